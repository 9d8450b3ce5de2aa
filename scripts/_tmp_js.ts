import { z } from 'zod';
import { sandboxConfigSchema } from '../config/schema';
const js = z.toJSONSchema(sandboxConfigSchema as any, { unrepresentable: 'any', io: 'input' }) as any;
console.log(JSON.stringify(js).length);
console.log(JSON.stringify(js.properties.clusters.items).slice(0, 1500));
