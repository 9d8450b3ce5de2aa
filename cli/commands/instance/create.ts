import { Option, type Command } from 'commander';
import { MOCK_KINDS } from '../../../constructs/instance/mocks';
import { SIZE_PROFILES } from '../../../constructs/instance/size-profile';
import {
  actionOf,
  collect,
  deadlineOf,
  list,
  listOf,
  oneOf,
  outputOf,
  outputOption,
  ttl,
  waitOptions,
  type Runner,
} from '../../command-kit';
import type { CreateOptions } from './create-run';

export function registerCreate(instance: Command, run: Runner): void {
  const cmd = instance
    .command('create')
    .description(
      "create an instance from flags (or a template): record it in its cluster's state backend, apply only its stack, print its URLs",
    )
    .argument('<name>', 'instance name: a DNS label, at most 53 characters')
    .option('--cluster <name>', 'a cluster the config declares (default: the only one)')
    .option(
      '--owner <user>',
      'who owns the instance, with edit rights in its namespace (default: git user.email, else $USER)',
    )
    .option(
      '--blocks <list>',
      "building blocks from the catalog, comma-separated (with --template, they replace the template's)",
      list,
    )
    .option(
      '--template <name>',
      'an environment template of the config: blocks, mocks, datasets, size, TTL and values unless a flag sets them',
    )
    .option(
      '--add-block <list>',
      "blocks to add to the template's (or, with --update, to the instance's); repeatable",
      list,
    )
    .option(
      '--remove-block <list>',
      'blocks of the template (or, with --update, of the instance) to leave out; repeatable',
      list,
    )
    .option('--mocks <list>', `mocks, comma-separated: ${MOCK_KINDS.join(', ')}`, listOf(MOCK_KINDS))
    .option(
      '--uses <list>',
      'shared blocks of the cluster (its sharedBlocks) the instance reaches, comma-separated',
      list,
    )
    .option('--dataset <variant>', 'a dataset for every block that offers it, or block:variant; repeatable', list)
    .addOption(
      new Option(
        '--ttl <duration>',
        "hours (48h) or days (2d) until it expires, 1h to 720h (default: the template's, else 48h)",
      ).argParser(ttl),
    )
    .addOption(
      new Option('--size <size>', `quota profile: ${Object.keys(SIZE_PROFILES).join(', ')} (default: small)`).argParser(
        oneOf(Object.keys(SIZE_PROFILES)),
      ),
    )
    .option(
      '--set <block.path=value>',
      "a value of one block's chart, as helm --set takes it (payments.image.tag=pr-42; =null removes it); repeatable",
      collect,
    )
    .option('--values <file>', 'YAML file mapping block names to chart values; repeatable, --set wins', collect)
    .option(
      '--unset <field>',
      'with --update: remove a field from the stored spec (workingHours, size, ...); repeatable',
      collect,
    )
    .option(
      '--restore-from <source>',
      "start the databases from another instance's backups: <instance> (its latest WAL) or <instance>/<backup>",
    )
    .option('--update', 'merge these flags into the instance if it exists (a field no flag names keeps its value)')
    .option('--write-config', 'also write the instance into the config file (only the bytes of its entry change)')
    .addOption(
      new Option('--keep-config', 'the default now: the config file is written only with --write-config').hideHelp(),
    )
    .option('--dry-run', 'plan only, and show the resource changes: nothing is recorded, applied or written')
    .addOption(outputOption(['json', 'yaml']));
  waitOptions(cmd, 'every pod of the instance is ready').addHelpText(
    'after',
    `
Only the fields a flag names are set; with --update the others keep their stored value (--unset removes one).
Every field of the spec, also those without a flag, can be set with \`sandboxkit instance apply -f\`.
A failed create leaves the instance recorded as failed: run the same command again to retry, or
\`sandboxkit instance destroy\` (or \`gc\`) to remove what was created.

Examples:
  sandboxkit instance create demo --blocks postgresql,keycloak --mocks email --ttl 8h
  sandboxkit instance create pr-42 --cluster aws-main --owner ci --blocks postgresql,payments \\
    --set payments.image.tag=sha-1a2b3c --update
  sandboxkit instance create pr-1300 --template payments-core --remove-block valkey --add-block keycloak \\
    --set ledger.image.tag=pr-1300
  sandboxkit instance create copy --blocks postgresql --restore-from staging`,
  );
  cmd.action(
    actionOf(run, async (ctx, c) => {
      const o = c.opts();
      const options: CreateOptions = {
        name: c.args[0],
        cluster: o.cluster,
        owner: o.owner,
        blocks: o.blocks,
        template: o.template,
        addBlocks: o.addBlock,
        removeBlocks: o.removeBlock,
        mocks: o.mocks,
        uses: o.uses,
        datasets: o.dataset,
        ttlHours: o.ttl,
        size: o.size,
        set: o.set,
        values: o.values,
        unset: o.unset,
        restoreFrom: o.restoreFrom,
        update: Boolean(o.update),
        dryRun: Boolean(o.dryRun),
        writeConfig: Boolean(o.writeConfig),
        wait: Boolean(o.wait),
        deadline: deadlineOf(c),
      };
      return (await import('./create-run')).createCommand(ctx, options, outputOf(ctx, c));
    }),
  );
}
