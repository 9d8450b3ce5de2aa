import type { OutputFormat } from '../../command-kit';
import type { CliContext } from '../../context';
import { EXIT } from '../../io';
import { currentActor } from '../../lifecycle/actor';
import { startInstance, stopInstance, type StopStartOptions } from '../../lifecycle/stop-start';
import { printStructured } from './print';

/** `instance stop` and `instance start`. */
export async function stopStartCommand(
  ctx: CliContext,
  verb: 'stop' | 'start',
  o: Omit<StopStartOptions, 'actor'>,
  format: OutputFormat,
): Promise<number> {
  const options = { ...o, actor: await currentActor(ctx) };
  const result = verb === 'stop' ? await stopInstance(ctx, options) : await startInstance(ctx, options);
  if (printStructured(ctx, format, result)) return EXIT.ok;
  for (const w of result.workloads) ctx.io.err(`  ${w.kind}/${w.name} -> ${w.replicas}`);
  for (const d of result.hibernated) ctx.io.err(`  cluster/${d} -> ${verb === 'stop' ? 'hibernated' : 'awake'}`);
  if (result.already)
    ctx.io.out(`instance ${o.name} is already ${verb === 'stop' ? 'stopped' : 'running'}; nothing to ${verb}`);
  else
    ctx.io.out(
      `${result.action} instance ${o.name} (${result.workloads.length} workloads)${result.pods ? (verb === 'stop' ? ': no pod left' : `: ${result.pods.ready}/${result.pods.total} pods ready`) : ''}`,
    );
  return EXIT.ok;
}
