import type { CliContext } from '../context';
import { parseTtlHours } from '../duration';
import { EXIT } from '../io';
import { deployInstance, findInstance, readOutputs } from '../instances';

/** Sets a new TTL counted from now, applies it, then records it in the config. */
export async function extendInstance(ctx: CliContext, name: string, ttl: string): Promise<number> {
  const hours = parseTtlHours(ttl);
  const config = ctx.store.read();
  findInstance(config, name);
  const index = (config.instances ?? []).findIndex((i) => i.name === name);
  const next = ctx.store.preview((doc) => doc.setIn(['instances', index, 'ttlHours'], hours));
  await deployInstance(ctx, next, name, false);
  await ctx.store.update((doc) => {
    const i = ((doc.toJS() as { instances?: { name: string }[] }).instances ?? []).findIndex((x) => x.name === name);
    doc.setIn(['instances', i, 'ttlHours'], hours);
  });
  const outputs = await readOutputs(ctx, name);
  const result = { instance: name, ttlHours: hours, expiresAt: outputs?.expiresAt ?? null };
  ctx.io.out(ctx.json ? JSON.stringify(result) : `extended ${name}: ${hours}h from now${outputs?.expiresAt ? `, expires ${outputs.expiresAt}` : ''}`);
  return EXIT.ok;
}
