import type { Command } from 'commander';
import { actionOf, outputOf, outputOption, type Runner } from '../../command-kit';

export function registerStatus(instance: Command, run: Runner): void {
  instance
    .command('status')
    .description(
      'what one instance is: phase, releases, pods ready, URLs of its routed blocks, expiry, owner, cost, last error, history',
    )
    .argument('<name>', 'instance name')
    .addOption(outputOption(['json', 'yaml']))
    .addHelpText(
      'after',
      "\nThe cluster is read once; when it does not answer, the record's view is shown and says so.",
    )
    .action(
      actionOf(run, async (ctx, c) => (await import('./status-run')).statusCommand(ctx, c.args[0], outputOf(ctx, c))),
    );
}
