import type { Document } from 'yaml';
import { instanceIndex } from '../config-store';
import type { CliContext } from '../context';
import { parseTtlHours } from '../duration';
import { EXIT } from '../io';
import { deployInstance, findInstance, readOutputs } from '../instances';

/** Sets a new TTL counted from now, applies it, then records it in the config. */
export async function extendInstance(ctx: CliContext, name: string, ttl: string): Promise<number> {
  const hours = parseTtlHours(ttl);
  findInstance(ctx.store.read(), name);
  const setTtl = (doc: Document) => doc.setIn(['instances', instanceIndex(doc, name), 'ttlHours'], hours);
  await deployInstance(ctx, ctx.store.preview(setTtl), name, false);
  await ctx.store.update(setTtl);
  const outputs = await readOutputs(ctx, name);
  const result = { instance: name, ttlHours: hours, expiresAt: outputs?.expiresAt ?? null };
  ctx.io.out(ctx.json ? JSON.stringify(result) : `extended ${name}: ${hours}h from now${outputs?.expiresAt ? `, expires ${outputs.expiresAt}` : ''}`);
  return EXIT.ok;
}
