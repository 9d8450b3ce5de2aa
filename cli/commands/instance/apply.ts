import type { Command } from 'commander';
import {
  actionOf,
  deadlineOf,
  outputOf,
  outputOption,
  requireOptions,
  waitOptions,
  type Runner,
} from '../../command-kit';
import type { ApplyCommandOptions } from './apply-run';

export function registerApply(instance: Command, run: Runner): void {
  const cmd = instance
    .command('apply')
    .description(
      'create or update instances from a spec file: each YAML document is an instances[] entry of the config schema',
    )
    .option('-f, --filename <file>', 'the spec file, or - for standard input (required)')
    .option('--dry-run', 'plan only, and show the resource changes: nothing is recorded, applied or written')
    .option(
      '--write-config',
      'also write the fields of the file into the config file (only the bytes of the entry change)',
    )
    .addOption(outputOption(['json', 'yaml']));
  waitOptions(cmd, 'every pod of the instance is ready').addHelpText(
    'after',
    `
A document is an entry as the config file's instances[] hold it, or what \`instance get NAME -o yaml\`
prints (its spec is used, its status ignored). For an instance that exists, the document is merged into
the stored spec: a field it does not name keeps its value, a mapping merges key by key, a list replaces,
and \`null\` removes a field (JSON merge patch, as \`kubectl patch --type merge\`). addBlocks merges values
into a block of the same name. Problems are reported at the file's lines.

Example (spec.yaml):
  name: demo
  blocks: [postgresql, keycloak]
  mocks: [email]
  ttlHours: 8
  workingHours: Mon-Fri 07:00-19:00 Europe/Berlin

  sandboxkit instance apply -f spec.yaml`,
  );
  cmd.action(
    actionOf(run, async (ctx, c) => {
      requireOptions(c, ['filename']);
      const o = c.opts();
      const options: ApplyCommandOptions = {
        file: o.filename,
        dryRun: Boolean(o.dryRun),
        writeConfig: Boolean(o.writeConfig),
        wait: Boolean(o.wait),
        deadline: deadlineOf(c),
      };
      return (await import('./apply-run')).applyCommand(ctx, options, outputOf(ctx, c));
    }),
  );
}
