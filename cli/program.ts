import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { Command, InvalidArgumentError, Option, type HelpContext } from 'commander';
import { MOCK_KINDS } from '../constructs/instance/mocks';
import { SIZE_PROFILES } from '../constructs/instance/size-profile';
import type { CliContext } from './context';
import { parseTtlHours } from './duration';
import { suggest } from '../config/suggest';

/** Global options every command accepts. */
export interface GlobalOptions {
  readonly config?: string;
  readonly out?: string;
  readonly json?: boolean;
}

/** Runs a command's action with a context built from the global options; returns its exit code. */
export type Runner = (globals: GlobalOptions, action: (ctx: CliContext) => Promise<number>) => Promise<void>;

// Commands load their modules when they run: `--help` and `--version` start without the stacks and every provider.

/**
 * A command whose subcommands are the point: run alone, it shows its help on
 * stdout and exits 0, as `kubectl config` and `gh pr` do.
 */
class CommandGroup extends Command {
  override createCommand(name?: string): Command {
    return new CommandGroup(name);
  }

  override help(context?: HelpContext): never;
  override help(cb: (str: string) => string): never;
  override help(context?: HelpContext | ((str: string) => string)): never {
    const missingSubcommand =
      typeof context === 'object' && context.error === true && this.commands.length > 0 && this.args.length === 0;
    return super.help((missingSubcommand ? undefined : context) as HelpContext);
  }
}

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

/** The package's package.json, found above this file (cli/ in the sources, dist/cli/ when built). */
export function packageJson(): PackageJson {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
    if (pkg.name === 'sandboxkit') return pkg;
  }
  return {};
}

export const packageVersion = (): string => packageJson().version ?? 'unknown';

const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

function mockList(value: string, previous: string[] = []): string[] {
  const mocks = list(value);
  for (const m of mocks) {
    if (!MOCK_KINDS.includes(m as never))
      throw new InvalidArgumentError(`expected ${MOCK_KINDS.join(', ')}, got "${m}"${suggest(m, MOCK_KINDS)}`);
  }
  return [...previous, ...mocks];
}

function ttl(value: string): number {
  try {
    return parseTtlHours(value, 'it');
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^it /, ''));
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Required options are checked in the action rather than by Commander, which
 * checks them before unknown options: `--clustr kind` must be reported as a
 * misspelling of --cluster, not as a missing --cluster.
 */
function requireOptions(cmd: Command, names: readonly string[]): void {
  for (const name of names) {
    if (cmd.getOptionValue(name) !== undefined) continue;
    const option = cmd.options.find((o) => o.attributeName() === name)!;
    cmd.error(`error: required option '${option.flags}' not specified`, {
      exitCode: 2,
      code: 'commander.missingMandatoryOptionValue',
    });
  }
}

/** Every command as the words that run it: `instance create`, `gc`. */
export function commandPaths(cmd: Command, prefix: readonly string[] = []): string[][] {
  return cmd.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return c.commands.length ? [path, ...commandPaths(c, path)] : [path];
  });
}

const EXIT_CODES =
  'Exit codes: 0 done, 1 an operation failed, 2 bad usage or config, 3 drift found (audit), 130 interrupted.';

const TOOLS = `Tools: Terraform (or OpenTofu) and Helm are found through SANDBOXKIT_TERRAFORM and SANDBOXKIT_HELM, else on PATH,
else in ./.tools/bin; remote state is read with the aws, az or gcloud CLI (SANDBOXKIT_AWS, SANDBOXKIT_AZ,
SANDBOXKIT_GCLOUD). \`sandboxkit doctor\` checks them all.`;

/** The whole command line: commands, their options, help and validation. */
export function buildProgram(run: Runner): Command {
  const program = new CommandGroup('sandboxkit');
  program
    .description(
      'Create, list, extend, test and destroy sandbox instances; collect expired ones; audit stacks for drift.',
    )
    .version(packageVersion(), '-v, --version', 'print the version')
    .option('--config <file>', 'sandbox config (default: $SANDBOX_CONFIG, else examples/sandbox.yaml)')
    .option('--out <dir>', 'synth output folder (default: $CDKTF_OUTDIR, else cdktf.out)')
    .option('--json', 'machine-readable output on stdout, errors included')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .helpCommand(false)
    .addHelpText(
      'after',
      `\n${EXIT_CODES}\n${TOOLS}\n\nRun 'sandboxkit help <command>' or 'sandboxkit <command> --help' for a command's options.`,
    );

  const action = (fn: (ctx: CliContext, cmd: Command) => Promise<number>) =>
    async function (this: Command) {
      await run(this.optsWithGlobals() as GlobalOptions, (ctx) => fn(ctx, this));
    };

  const instance = program.command('instance').description('create, list, extend, destroy and test instances');
  instance.helpCommand('help [command]', 'show help for an instance command');

  instance
    .command('create')
    .description(
      "add an instance: record it in its cluster's state backend, deploy only its stack, then write it into the config",
    )
    .argument('<name>', 'instance name: a DNS label, at most 53 characters')
    .option('--cluster <name>', 'a cluster the config declares (required)')
    .option('--owner <user>', 'who owns the instance, with edit rights in its namespace (required)')
    .option(
      '--blocks <list>',
      "building blocks from the catalog, comma-separated (required, unless --template brings them; with it, they replace the template's)",
      list,
    )
    .option(
      '--template <name>',
      'an environment template of the config: the instance takes its blocks, mocks, datasets, size, TTL and values unless a flag sets them',
    )
    .option('--add-block <list>', "with --template: blocks to add to the template's, comma-separated; repeatable", list)
    .option(
      '--remove-block <list>',
      'with --template: blocks of the template to leave out, comma-separated; repeatable',
      list,
    )
    .option('--mocks <list>', `mocks, comma-separated: ${MOCK_KINDS.join(', ')}`, mockList)
    .option(
      '--uses <list>',
      'shared blocks of the cluster (its sharedBlocks) the instance reaches, comma-separated',
      list,
    )
    .option('--dataset <variant>', 'a dataset for every block that offers it, or block:variant; repeatable', list)
    .addOption(
      new Option('--ttl <duration>', 'hours (48h) or days (2d) until it expires, 1h to 720h')
        .argParser(ttl)
        .default(48, '48h'),
    )
    .addOption(new Option('--size <size>', 'quota profile; small when not given').choices(Object.keys(SIZE_PROFILES)))
    .option(
      '--set <block.path=value>',
      "a value of one block's chart, as helm --set takes it (payments.image.tag=pr-42); repeatable",
      collect,
    )
    .option('--values <file>', 'YAML file mapping block names to chart values; repeatable, --set wins', collect)
    .option(
      '--restore-from <source>',
      "start the databases from another instance's backups: <instance> (its latest WAL) or <instance>/<backup>",
    )
    .option('--update', 'apply this definition to the instance if it exists, instead of refusing')
    .option(
      '--keep-config',
      'leave the config file unchanged; later commands find the instance from its record in the state backend',
    )
    .option('--dry-run', 'plan only: the config, the state backend and the cluster stay as they are')
    .addHelpText(
      'after',
      `
A failed deploy leaves the config unchanged and the instance recorded as failed, so that
\`instance destroy\` or \`gc\` can remove what was created.

Examples:
  sandboxkit instance create demo --cluster kind --owner carol --blocks postgresql,keycloak --mocks email --ttl 8h
  sandboxkit instance create pr-42 --cluster aws-main --owner ci --blocks postgresql,payments \\
    --set payments.image.tag=sha-1a2b3c --keep-config --update
  sandboxkit instance create pr-1300 --cluster ebury --owner ci --template payments-core \\
    --remove-block valkey --add-block keycloak --set ledger.image.tag=pr-1300
  sandboxkit instance create copy --cluster aws-main --owner dave --blocks postgresql --restore-from staging`,
    )
    .action(
      action(async (ctx, cmd) => {
        const o = cmd.opts();
        requireOptions(cmd, o.template ? ['cluster', 'owner'] : ['cluster', 'owner', 'blocks']);
        if (!o.template && (o.addBlock || o.removeBlock)) {
          cmd.error(
            `error: option '${o.addBlock ? '--add-block' : '--remove-block'}' changes the blocks of a template: give --template, or list the blocks with --blocks`,
            { exitCode: 2 },
          );
        }
        return (await import('./commands/create')).createInstance(ctx, {
          name: cmd.args[0],
          cluster: o.cluster,
          owner: o.owner,
          blocks: o.blocks ?? [],
          template: o.template,
          addBlocks: o.addBlock ?? [],
          removeBlocks: o.removeBlock ?? [],
          mocks: o.mocks ?? [],
          uses: o.uses ?? [],
          datasets: o.dataset ?? [],
          // A template's TTL holds unless --ttl is given.
          ttlHours: o.template && cmd.getOptionValueSource('ttl') === 'default' ? undefined : o.ttl,
          size: o.size,
          set: o.set ?? [],
          values: o.values ?? [],
          dryRun: Boolean(o.dryRun),
          keepConfig: Boolean(o.keepConfig),
          update: Boolean(o.update),
          restoreFrom: o.restoreFrom,
        });
      }),
    );

  instance
    .command('list')
    .alias('ls')
    .description(
      'every instance of the config and of the state backends: owner, blocks, created, expires, state, Pod Security',
    )
    .option('--expired', 'only expired instances')
    .option('--cost', 'estimate what each instance costs a day, from its size profile and cloud resources')
    .action(
      action(async (ctx, cmd) =>
        (await import('./commands/list')).listInstances(ctx, Boolean(cmd.opts().expired), Boolean(cmd.opts().cost)),
      ),
    );

  instance
    .command('extend')
    .description('move the expiry to now + TTL (also with the same TTL); refuses an instance that was never deployed')
    .argument('<name>', 'instance name')
    .option('--ttl <duration>', 'hours (48h) or days (2d), 1h to 720h (required)', ttl)
    .action(
      action(async (ctx, cmd) => {
        requireOptions(cmd, ['ttl']);
        return (await import('./commands/extend')).extendInstance(ctx, cmd.args[0], cmd.opts().ttl);
      }),
    );

  instance
    .command('destroy')
    .alias('delete')
    .description('destroy the instance, then remove it from the config and forget its record and state')
    .argument('<name>', 'instance name')
    .action(action(async (ctx, cmd) => (await import('./commands/destroy')).destroyCommand(ctx, cmd.args[0])));

  instance
    .command('test')
    .description('run the helm test hooks of every release of the instance; releases without hooks are listed as such')
    .argument('<name>', 'instance name')
    .action(action(async (ctx, cmd) => (await import('./commands/test-instance')).testInstance(ctx, cmd.args[0])));

  instance
    .command('backup')
    .description(
      'start a base backup of every CloudNativePG database of the instance, to its folder of the cluster backup store',
    )
    .argument('<name>', 'instance name')
    .option('--name <backup>', 'name of the Backup (one database only); default <database>-<UTC time>')
    .addHelpText(
      'after',
      '\nThe instance needs `backup` in its config. Restore into a new instance with `instance create --restore-from <name>[/<backup>]`.',
    )
    .action(
      action(async (ctx, cmd) => (await import('./commands/backup')).backupInstance(ctx, cmd.args[0], cmd.opts().name)),
    );

  instance
    .command('stop')
    .description(
      'scale every Deployment and StatefulSet of the instance to zero, keeping its volumes, Secrets and releases',
    )
    .argument('<name>', 'instance name')
    .addHelpText(
      'after',
      "\nThe replicas are kept in the reaper's ConfigMap, as its working hours keep them; working hours do not wake a stopped instance.",
    )
    .action(action(async (ctx, cmd) => (await import('./commands/stop-start')).stopInstance(ctx, cmd.args[0])));

  instance
    .command('start')
    .description('scale the workloads of a stopped instance back to the replicas they had')
    .argument('<name>', 'instance name')
    .action(action(async (ctx, cmd) => (await import('./commands/stop-start')).startInstance(ctx, cmd.args[0])));

  const shared = program
    .command('shared')
    .description("plan, apply and destroy a cluster's shared blocks (stack shared-<cluster>), list them");
  shared.helpCommand('help [command]', 'show help for a shared command');
  for (const [verb, description] of [
    [
      'apply',
      "deploy the cluster's shared blocks, each in its namespace shared-<block>; instances that use one need it first",
    ],
    ['plan', 'show what apply would change, changing nothing'],
    ['destroy', 'destroy the shared blocks; refused while an instance of the config or of the state backend uses one'],
  ] as const) {
    shared
      .command(verb)
      .description(description)
      .option('--cluster <name>', 'a cluster the config declares with sharedBlocks (required)')
      .action(
        action(async (ctx, cmd) => {
          requireOptions(cmd, ['cluster']);
          return (await import('./commands/shared')).sharedCommand(ctx, verb, cmd.opts().cluster);
        }),
      );
  }
  shared
    .command('list')
    .alias('ls')
    .description("every cluster's shared blocks: stack, namespace and the instances of the config that use them")
    .action(action(async (ctx) => (await import('./commands/shared')).listShared(ctx)));

  program
    .command('gc')
    .description('destroy every expired instance and every failed create, from the config and the state backends')
    .option('--dry-run', 'only report what would be destroyed')
    .action(
      action(async (ctx, cmd) => (await import('./commands/gc')).garbageCollect(ctx, Boolean(cmd.opts().dryRun))),
    );

  program
    .command('audit')
    .description('drift check of one stack: exit 0 in sync, 3 with a summary when resources differ from the code')
    .argument('<stack>', 'stack name, e.g. platform-kind or instance-demo')
    .action(action(async (ctx, cmd) => (await import('./commands/audit')).auditStack(ctx, cmd.args[0])));

  program
    .command('bom')
    .description(
      "charts and images an instance or a cluster's platform needs, under the registry mirror when one is set",
    )
    .argument('[instance]', 'an instance')
    .option('--cluster <name>', 'a cluster: its platform')
    .action(
      action(async (ctx, cmd) =>
        (await import('./commands/bom')).bomCommand(ctx, { instance: cmd.args[0], cluster: cmd.opts().cluster }),
      ),
    );

  program
    .command('bundle')
    .description(
      'an offline Helm repository: every chart archive (with index.yaml) and the image list (images.txt) the targets need',
    )
    .argument('<dir>', 'the bundle folder; an existing bundle is added to')
    .option('--instance <name>', 'an instance; repeatable', collect)
    .option('--cluster <name>', 'a cluster: its platform and every instance the config puts on it; repeatable', collect)
    .option(
      '--from <url-or-folder>',
      "where the archives come from: a Helm repository URL or folder (default: the cluster's platform.chartMirror)",
    )
    .addHelpText(
      'after',
      '\nInstall from it with `platform.chartMirror: <dir>` (a folder), or serve the folder over HTTP.',
    )
    .action(
      action(async (ctx, cmd) => {
        const o = cmd.opts();
        return (await import('./commands/bundle')).bundleCommand(ctx, {
          dir: cmd.args[0],
          instances: o.instance ?? [],
          clusters: o.cluster ?? [],
          from: o.from,
        });
      }),
    );

  program
    .command('doctor')
    .description('check the tools and files deploying this config needs, with their versions')
    .action(action(async (ctx) => (await import('./commands/doctor')).doctor(ctx)));

  program
    .command('version')
    .description('print the version')
    .action(
      action(async (ctx) => {
        ctx.io.out(ctx.json ? JSON.stringify({ version: packageVersion() }) : packageVersion());
        return 0;
      }),
    );

  program
    .command('help')
    .description('show help for a command, e.g. help instance create')
    .argument('[command...]', 'the command')
    .action(function (this: Command) {
      let target: Command = program;
      for (const word of this.args) {
        const next = target.commands.find((c) => c.name() === word || c.aliases().includes(word));
        if (!next) {
          const paths = commandPaths(target, pathOf(target));
          const hint = suggest(
            word,
            paths.map((p) => p[p.length - 1]),
          );
          const match = hint && paths.find((p) => hint.includes(`"${p[p.length - 1]}"`));
          this.error(
            `error: unknown command '${[...pathOf(target), word].join(' ')}'${match ? `; did you mean "sandboxkit help ${match.join(' ')}"?` : ''}`,
            { exitCode: 2, code: 'sandboxkit.unknownHelpTopic' },
          );
        }
        target = next;
      }
      target.outputHelp();
    });

  return program;
}

/** `instance create` for the create command; empty for the program. */
export function pathOf(cmd: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names;
}

/** The command that argv names, as far as it names one: for messages about usage errors. */
export function commandFor(program: Command, argv: readonly string[]): Command {
  let cmd = program;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--config' || word === '--out') {
      i++;
      continue;
    }
    if (word.startsWith('-')) continue;
    const next = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    cmd = next;
  }
  return cmd;
}
