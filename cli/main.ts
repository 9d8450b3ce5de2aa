#!/usr/bin/env node
import { ConfigError } from '../config/load';
import { configPath } from '../main';
import { flag, list, parseArgs, type ParsedArgs } from './args';
import { auditStack } from './commands/audit';
import { bomCommand } from './commands/bom';
import { createInstance } from './commands/create';
import { destroyCommand } from './commands/destroy';
import { doctor } from './commands/doctor';
import { extendInstance } from './commands/extend';
import { garbageCollect } from './commands/gc';
import { listInstances } from './commands/list';
import { testInstance } from './commands/test-instance';
import { ConfigStore } from './config-store';
import type { CliContext } from './context';
import { CliError, EXIT, processIo, type Io } from './io';
import { ProcessRunner, type ToolRunner } from './tools';

const GLOBAL = '  --config FILE   sandbox config (default: $SANDBOX_CONFIG, else examples/sandbox.yaml)\n  --out DIR       synth output (default: $CDKTF_OUTDIR, else cdktf.out)\n  --json          machine-readable output on stdout\n  --help          this text';

const HELP: Record<string, string> = {
  '': `sandboxkit: create, list, extend, test and destroy sandbox instances

Usage: sandboxkit <command> [options]

Commands:
  instance create <name>   add an instance to the config and deploy only its stack
  instance list            instances with owner, blocks, created, expires and state
  instance extend <name>   set a new TTL, counted from now
  instance destroy <name>  destroy the instance, remove it from the config and its state
  instance test <name>     run the helm test hooks of every release of the instance
  gc                       destroy every expired instance
  audit <stack>            drift check: what changed outside the code
  bom [<instance>]         charts and images an instance or a cluster needs
  doctor                   check the tools deploying this config needs

Options:
${GLOBAL}

Exit codes: 0 done, 1 an operation failed, 2 bad usage or config, 3 drift found (audit), 130 interrupted.
Terraform and Helm are found on PATH, or at $SANDBOXKIT_TERRAFORM and $SANDBOXKIT_HELM.`,
  'instance create': `Usage: sandboxkit instance create <name> --cluster C --owner X --blocks a,b [options]

  --cluster C        a declared cluster
  --owner X          user who owns the instance (edit rights in its namespace)
  --blocks a,b       building blocks from the catalog
  --mocks m,n        email, sms, payment, cloud
  --dataset V        a dataset variant for every block that offers it, or block:variant (repeatable as a list)
  --ttl 48h          hours (48h) or days (2d) until it expires, 1h to 720h (default 48h)
  --size S           small, medium or large (default small)
  --dry-run          plan only; the config and the cluster stay as they are

The config is written only after the deploy worked; a failed deploy leaves it unchanged.`,
  'instance list': 'Usage: sandboxkit instance list [--expired] [--json]',
  'instance extend': 'Usage: sandboxkit instance extend <name> --ttl 24h\n\nThe new expiry is the TTL counted from now.',
  'instance destroy': 'Usage: sandboxkit instance destroy <name>\n\nTerraform destroy, then the instance leaves the config and its local state is removed.',
  'instance test': 'Usage: sandboxkit instance test <name>\n\nRuns `helm test` for every mock and block release; exit 1 when one fails.',
  gc: 'Usage: sandboxkit gc [--dry-run]\n\nDestroys every expired instance, carries on past failures, reports every outcome; exit 1 when one failed.',
  audit: 'Usage: sandboxkit audit <stack>\n\nExit 0 when the stack matches the code, 3 with a summary when it does not.',
  bom: 'Usage: sandboxkit bom [<instance>] [--cluster C] [--json]\n\nImages are shown under the cluster\'s registry mirror when one is set.',
  doctor: 'Usage: sandboxkit doctor [--json]',
};

const BOOLEAN_FLAGS = ['json', 'help', 'dry-run', 'expired'];
const ALLOWED: Record<string, string[]> = {
  'instance create': ['cluster', 'owner', 'blocks', 'mocks', 'dataset', 'ttl', 'size', 'dry-run'],
  'instance list': ['expired'],
  'instance extend': ['ttl'],
  'instance destroy': [],
  'instance test': [],
  gc: ['dry-run'],
  audit: [],
  bom: ['cluster'],
  doctor: [],
};

function commandOf(args: ParsedArgs): { command: string; rest: string[] } {
  const [first, second, ...rest] = args.positional;
  if (first === 'instance') return { command: second ? `instance ${second}` : 'instance', rest };
  return { command: first ?? '', rest: second === undefined ? rest : [second, ...rest] };
}

function one(rest: string[], what: string): string {
  if (rest.length !== 1) throw new CliError(`expected exactly one ${what}, got ${rest.length ? rest.join(' ') : 'none'}`);
  return rest[0];
}

/** Runs the command line; returns the exit code. */
export async function cli(argv: readonly string[], io: Io, tools?: ToolRunner): Promise<number> {
  try {
    const args = parseArgs(argv, BOOLEAN_FLAGS);
    const { command, rest } = commandOf(args);
    if (args.flags.get('help') || command === '' || command === 'help') {
      io.out(HELP[command === 'help' ? '' : command] ?? HELP['']);
      return command in HELP || command === 'help' ? EXIT.ok : EXIT.usage;
    }
    if (!(command in ALLOWED)) throw new CliError(`unknown command "${command}"; run sandboxkit --help`);
    for (const name of args.flags.keys()) {
      if (!['config', 'out', 'json', 'help', ...ALLOWED[command]].includes(name)) throw new CliError(`${command}: unknown option --${name}; run sandboxkit ${command} --help`);
    }
    const ctx: CliContext = {
      io,
      tools: tools ?? new ProcessRunner(io),
      store: new ConfigStore(flag(args, 'config') ?? configPath([], io.env)),
      outdir: flag(args, 'out') ?? (io.env.CDKTF_OUTDIR || 'cdktf.out'),
      json: args.flags.get('json') === true,
    };
    switch (command) {
      case 'instance create':
        return await createInstance(ctx, {
          name: one(rest, 'instance name'),
          cluster: flag(args, 'cluster', true),
          owner: flag(args, 'owner', true),
          blocks: list(flag(args, 'blocks', true)),
          mocks: list(flag(args, 'mocks')),
          datasets: list(flag(args, 'dataset')),
          ttl: flag(args, 'ttl'),
          size: flag(args, 'size'),
          dryRun: args.flags.get('dry-run') === true,
        });
      case 'instance list':
        return await listInstances(ctx, args.flags.get('expired') === true);
      case 'instance extend':
        return await extendInstance(ctx, one(rest, 'instance name'), flag(args, 'ttl', true));
      case 'instance destroy':
        return await destroyCommand(ctx, one(rest, 'instance name'));
      case 'instance test':
        return await testInstance(ctx, one(rest, 'instance name'));
      case 'gc':
        return await garbageCollect(ctx, args.flags.get('dry-run') === true);
      case 'audit':
        return await auditStack(ctx, one(rest, 'stack name'));
      case 'bom':
        return bomCommand(ctx, rest.length ? { instance: one(rest, 'instance name') } : { cluster: flag(args, 'cluster', true) });
      default:
        return await doctor(ctx);
    }
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`sandboxkit: ${err.message}`);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      io.err(err.message);
      return EXIT.usage;
    }
    io.err(`sandboxkit: ${(err as Error).message}`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  let interrupted = false;
  process.on('SIGINT', () => {
    // Children get the signal too (ProcessRunner); wait for them, then leave with 130.
    interrupted = true;
  });
  cli(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = interrupted ? EXIT.interrupted : code;
  });
}
