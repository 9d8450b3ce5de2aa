import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import type { Command } from 'commander';
import { suggest } from '../config/suggest';
import { actionOf, collect, CommandGroup, requireOptions, type CommandAction, type Runner } from './command-kit';
import { registerCompletion } from './commands/completion';
import { registerGc } from './commands/gc';
import { registerInit } from './commands/init';
import { registerServe } from './commands/serve';
import { registerApply } from './commands/instance/apply';
import { registerCreate } from './commands/instance/create';
import { registerDestroy } from './commands/instance/destroy';
import { registerExtend } from './commands/instance/extend';
import { registerGet } from './commands/instance/get';
import { registerList } from './commands/instance/list';
import { registerStatus } from './commands/instance/status';
import { registerStopStart } from './commands/instance/stop-start';

export type { GlobalOptions, Runner } from './command-kit';

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
      'Create, apply, list, extend, stop, start, test and destroy sandbox instances; collect expired ones; audit stacks for drift.',
    )
    .version(packageVersion(), '-v, --version', 'print the version')
    .option(
      '--config <file>',
      'sandbox config (default: $SANDBOX_CONFIG, else sandbox.yaml here or in a parent folder)',
    )
    .option('--out <dir>', 'synth output folder (default: $CDKTF_OUTDIR, else cdktf.out beside the config)')
    .option('--json', 'machine-readable output on stdout, errors included')
    .option('--verbose', 'show what tools print when all goes well (terraform init)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false, helpWidth: 120 })
    .showSuggestionAfterError(true)
    .helpCommand(false)
    .addHelpText(
      'after',
      `\n${EXIT_CODES}\n${TOOLS}\n\nRun 'sandboxkit help <command>' or 'sandboxkit <command> --help' for a command's options.`,
    );

  const action = (fn: CommandAction) => actionOf(run, fn);

  const instance = program
    .command('instance')
    .description('create, apply, list, get, status, extend, stop, start, destroy and test instances');
  instance.helpCommand('help [command]', 'show help for an instance command');
  registerCreate(instance, run);
  registerApply(instance, run);
  registerList(instance, run);
  registerGet(instance, run);
  registerStatus(instance, run);
  registerExtend(instance, run);
  registerDestroy(instance, run);

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
  registerStopStart(instance, run);

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

  registerGc(program, run);
  registerServe(program, run);

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

  registerInit(program, run);
  registerCompletion(program, run);

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
