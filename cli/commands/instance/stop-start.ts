import type { Command } from 'commander';
import { actionOf, deadlineOf, outputOf, outputOption, waitOptions, type Runner } from '../../command-kit';

export function registerStopStart(instance: Command, run: Runner): void {
  for (const verb of ['stop', 'start'] as const) {
    const cmd = instance
      .command(verb)
      .description(
        verb === 'stop'
          ? 'scale every Deployment and StatefulSet of the instance to zero, keeping its volumes, Secrets and releases'
          : 'scale the workloads of a stopped instance back to the replicas they had',
      )
      .argument('<name>', 'instance name')
      .option('--dry-run', `show the workloads ${verb} would scale, changing nothing`)
      .addOption(outputOption(['json', 'yaml']));
    waitOptions(cmd, verb === 'stop' ? 'no pod of the instance is left' : 'every pod of the instance is ready');
    if (verb === 'stop')
      cmd.addHelpText(
        'after',
        "\nThe replicas are kept in the reaper's ConfigMap, as its working hours keep them; working hours do not wake a stopped instance.",
      );
    cmd.action(
      actionOf(run, async (ctx, c) => {
        const o = c.opts();
        return (await import('./stop-start-run')).stopStartCommand(
          ctx,
          verb,
          { name: c.args[0], dryRun: Boolean(o.dryRun), wait: Boolean(o.wait), deadline: deadlineOf(c) },
          outputOf(ctx, c),
        );
      }),
    );
  }
}
