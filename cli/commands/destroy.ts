import { instanceIndex } from '../config-store';
import type { CliContext } from '../context';
import { EXIT } from '../io';
import { destroyInstance, resolveInstance, withInstanceLock, type InstanceRef } from '../instances';
import { removeItem } from '../yaml-edit';

/** Destroys the instance, then removes it from the config and forgets its record and state. */
export async function destroyCommand(ctx: CliContext, name: string): Promise<number> {
  const ref = await resolveInstance(ctx, ctx.store.read(), name);
  await withInstanceLock(ctx, name, () => destroyOne(ctx, ref));
  ctx.io.out(ctx.json ? JSON.stringify({ instance: name, action: 'destroyed' }) : `destroyed instance ${name}`);
  return EXIT.ok;
}

/** Destroys one instance; the caller holds its lock. */
export async function destroyOne(ctx: CliContext, ref: InstanceRef): Promise<void> {
  await destroyInstance(ctx, ref);
  await ctx.store.update((text) => {
    const i = instanceIndex(text, ref.name);
    return i >= 0 ? removeItem('instances', i) : undefined;
  });
}
