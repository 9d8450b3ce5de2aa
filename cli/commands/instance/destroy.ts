import type { Command } from 'commander';
import { actionOf, deadlineOf, outputOf, outputOption, waitOptions, type Runner } from '../../command-kit';

export function registerDestroy(instance: Command, run: Runner): void {
  const cmd = instance
    .command('destroy')
    .alias('delete')
    .description('destroy the instance; its record stays as its history (gone), its state is removed')
    .argument('<name>', 'instance name')
    .option('-y, --yes', 'destroy without asking at a terminal (with nobody to ask, it never asks)')
    .option('--dry-run', 'plan only, and show the resources that would be destroyed')
    .option('--write-config', 'also remove the instance from the config file')
    .addOption(outputOption(['json', 'yaml']));
  waitOptions(cmd, 'the namespace is gone').action(
    actionOf(run, async (ctx, c) => {
      const o = c.opts();
      return (await import('./destroy-run')).destroyCommand(
        ctx,
        {
          name: c.args[0],
          yes: Boolean(o.yes),
          dryRun: Boolean(o.dryRun),
          writeConfig: Boolean(o.writeConfig),
          wait: Boolean(o.wait),
          deadline: deadlineOf(c),
        },
        outputOf(ctx, c),
      );
    }),
  );
}
