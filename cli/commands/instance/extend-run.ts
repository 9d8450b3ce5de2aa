import type { OutputFormat } from '../../command-kit';
import type { CliContext } from '../../context';
import { EXIT } from '../../io';
import { currentActor } from '../../lifecycle/actor';
import { extendInstance, type ExtendOptions } from '../../lifecycle/extend';
import { changeLines, fromNow, printStructured } from './print';

/** `instance extend`. */
export async function extendCommand(
  ctx: CliContext,
  o: Omit<ExtendOptions, 'actor'>,
  format: OutputFormat,
): Promise<number> {
  const result = await extendInstance(ctx, { ...o, actor: await currentActor(ctx) });
  if (printStructured(ctx, format, result)) return EXIT.ok;
  if (result.action === 'planned') {
    const [summary, ...lines] = changeLines(result.changes);
    ctx.io.out(`planned extending ${o.name} to ${o.ttlHours}h from now (nothing changed): ${summary}`);
    for (const l of lines) ctx.io.out(l);
    return EXIT.ok;
  }
  ctx.io.out(
    `extended ${o.name}: ${o.ttlHours}h from now${result.expiresAt ? `, expires ${result.expiresAt} (${fromNow(ctx.io.now(), result.expiresAt)})` : ''}`,
  );
  return EXIT.ok;
}
