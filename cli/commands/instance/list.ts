import type { Command } from 'commander';
import { actionOf, outputOf, outputOption, type Runner } from '../../command-kit';
import type { ListCommandOptions } from './list-run';

export function registerList(instance: Command, run: Runner): void {
  instance
    .command('list')
    .alias('ls')
    .description(
      'every instance of the config and of the state backends: phase (checked with the cluster), owner, blocks, expiry',
    )
    .option('--expired', 'only expired instances')
    .option('--cost', 'estimate what each instance costs a day, from its size profile and cloud resources')
    .option('-A, --all', 'also destroyed instances, whose records are kept as their history')
    .option('--cluster <name>', 'only the instances of this cluster')
    .option('--offline', "show the phases as recorded, without asking the clusters' API servers")
    .addOption(outputOption(['wide', 'json', 'yaml', 'name']))
    .addHelpText(
      'after',
      '\nA state backend that cannot be read, or a cluster that does not answer, is a warning: the rest is listed.',
    )
    .action(
      actionOf(run, async (ctx, c) => {
        const o = c.opts();
        const options: ListCommandOptions = {
          expired: Boolean(o.expired),
          cost: Boolean(o.cost),
          all: Boolean(o.all),
          cluster: o.cluster,
          offline: Boolean(o.offline),
        };
        return (await import('./list-run')).listCommand(ctx, options, outputOf(ctx, c));
      }),
    );
}
