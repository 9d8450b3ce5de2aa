import { instanceIndex } from '../config-store';
import type { CliContext } from '../context';
import { EXIT } from '../io';
import { destroyInstance, findInstance, forgetInstance } from '../instances';

/** Destroys the instance, then removes it from the config and forgets its state. */
export async function destroyCommand(ctx: CliContext, name: string): Promise<number> {
  await destroyOne(ctx, name);
  ctx.io.out(ctx.json ? JSON.stringify({ instance: name, action: 'destroyed' }) : `destroyed instance ${name}`);
  return EXIT.ok;
}

export async function destroyOne(ctx: CliContext, name: string): Promise<void> {
  const config = ctx.store.read();
  findInstance(config, name);
  await destroyInstance(ctx, config, name);
  forgetInstance(ctx, config, name);
  await ctx.store.update((doc) => {
    const i = instanceIndex(doc, name);
    if (i >= 0) doc.deleteIn(['instances', i]);
  });
}
