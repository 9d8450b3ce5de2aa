import type { Command } from 'commander';
import { actionOf, outputOf, outputOption, type Runner } from '../../command-kit';

export function registerGet(instance: Command, run: Runner): void {
  instance
    .command('get')
    .description('one instance (spec and status) as a table row, YAML or JSON; without a name, every instance')
    .argument('[name]', 'instance name')
    .addOption(outputOption(['wide', 'json', 'yaml', 'name']))
    .addHelpText(
      'after',
      '\n`-o yaml` prints a document that `instance apply -f` takes back: edit its spec and apply it.\nExit 1 when the instance does not exist.',
    )
    .action(
      actionOf(run, async (ctx, c) => {
        const format = outputOf(ctx, c);
        if (!c.args[0])
          return (await import('./list-run')).listCommand(
            ctx,
            { expired: false, cost: false, all: false, offline: false },
            format,
          );
        return (await import('./get-run')).getCommand(ctx, c.args[0], format);
      }),
    );
}
