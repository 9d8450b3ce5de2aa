import type { Command } from 'commander';
import { actionOf, type Runner } from '../command-kit';

export function registerInit(program: Command, run: Runner): void {
  program
    .command('init')
    .description(
      'write a commented starter sandbox.yaml for an existing cluster (the current kubectl context by default)',
    )
    .option('--kubeconfig <file>', 'the kubeconfig (default: $KUBECONFIG, else ~/.kube/config)')
    .option('--context <name>', 'a context of the kubeconfig (default: its current context)')
    .option('--name <cluster>', "the cluster's name in the config (default: from the context)")
    .option('--force', 'replace the config file if there is one')
    .addHelpText(
      'after',
      '\nThe file is written to --config, else ./sandbox.yaml. The API server is asked for its version and its\ndefault StorageClass; the file is validated before it is written.',
    )
    .action(
      actionOf(run, async (ctx, c) => {
        const o = c.opts();
        return (await import('./init-run')).initCommand(ctx, {
          kubeconfig: o.kubeconfig,
          context: o.context,
          name: o.name,
          force: Boolean(o.force),
        });
      }),
    );
}
