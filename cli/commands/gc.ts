import type { Command } from 'commander';
import { actionOf, outputOf, outputOption, type OutputFormat, type Runner } from '../command-kit';
import type { CliContext } from '../context';
import { EXIT, green, red } from '../io';

export function registerGc(program: Command, run: Runner): void {
  program
    .command('gc')
    .description('destroy every expired instance and every failed create, from the config and the state backends')
    .option('--dry-run', 'only report what would be destroyed')
    .addOption(outputOption(['json', 'yaml']))
    .addHelpText('after', '\nRecords of instances destroyed more than 30 days ago are forgotten too.')
    .action(actionOf(run, async (ctx, c) => gcCommand(ctx, Boolean(c.opts().dryRun), outputOf(ctx, c))));
}

/** `gc`: every outcome reported; exit 1 when one failed. */
export async function gcCommand(ctx: CliContext, dryRun: boolean, format: OutputFormat): Promise<number> {
  const [{ garbageCollect }, { currentActor }, { printStructured }] = await Promise.all([
    import('../lifecycle/gc'),
    import('../lifecycle/actor'),
    import('./instance/print'),
  ]);
  const { outcomes, warnings } = await garbageCollect(ctx, dryRun, await currentActor(ctx));
  for (const w of warnings) ctx.io.err(`warning: ${w}`);
  const failed = outcomes.filter((o) => o.result === 'failed').length;
  const summary = {
    expired: outcomes.filter((o) => ['destroyed', 'would destroy', 'failed'].includes(o.result)).length,
    failed,
    outcomes,
  };
  if (!printStructured(ctx, format, summary)) {
    if (outcomes.length === 0) ctx.io.out('nothing to collect: no expired instance and no failed create');
    for (const o of outcomes) {
      const mark =
        o.result === 'failed'
          ? red(ctx.io, 'failed')
          : o.result === 'destroyed'
            ? green(ctx.io, 'destroyed')
            : o.result;
      ctx.io.out(`${o.instance}: ${mark} (${o.reason})${o.error ? `: ${o.error.split('\n')[0]}` : ''}`);
    }
  }
  return failed > 0 ? EXIT.failed : EXIT.ok;
}
