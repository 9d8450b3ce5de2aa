import type { Command } from 'commander';
import { actionOf, outputOf, outputOption, requireOptions, ttl, type Runner } from '../../command-kit';

export function registerExtend(instance: Command, run: Runner): void {
  instance
    .command('extend')
    .description(
      'move the expiry to now + TTL (also with the same TTL); refuses a failed create, naming the command that fixes it',
    )
    .argument('<name>', 'instance name')
    .option('--ttl <duration>', 'hours (48h) or days (2d), 1h to 720h (required)', ttl)
    .option('--dry-run', 'plan only, and show the resource changes')
    .option('--write-config', "also set the instance's ttlHours in the config file")
    .addOption(outputOption(['json', 'yaml']))
    .action(
      actionOf(run, async (ctx, c) => {
        requireOptions(c, ['ttl']);
        const o = c.opts();
        return (await import('./extend-run')).extendCommand(
          ctx,
          { name: c.args[0], ttlHours: o.ttl, dryRun: Boolean(o.dryRun), writeConfig: Boolean(o.writeConfig) },
          outputOf(ctx, c),
        );
      }),
    );
}
