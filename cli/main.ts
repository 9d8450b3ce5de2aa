#!/usr/bin/env node
// First: compiled code kept between runs, cdktf's zip library loaded only if used.
import '../synth/process-start';
import { dirname, join, resolve } from 'path';
import { CommanderError } from 'commander';
import { ConfigError } from '../config/load';
import { findConfig, type FoundConfig } from './config-discovery';
import { ConfigStore } from './config-store';
import type { CliContext } from './context';
import { CliError, EXIT, processIo, type Io } from './io';
import { suggest } from '../config/suggest';
import { buildProgram, commandFor, commandPaths, packageJson, pathOf, type GlobalOptions } from './program';
import { ProcessRunner, type ToolRunner } from './tools';

/** Commander's own exits that are not errors. */
const CLEAN_EXITS = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);

/** A provider package at the version the package pins as a peer. */
function pinned(provider: string): string {
  return `${provider}@${packageJson().peerDependencies?.[provider] ?? 'latest'}`;
}

/** A failure as `--json` prints it on stdout: one object, so that a pipeline can read why. */
function jsonError(
  kind: 'usage' | 'config' | 'failed' | 'interrupted',
  message: string,
  exitCode: number,
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({ error: { kind, message, exitCode, ...extra } });
}

/** Whether the command line asks for JSON: `--json`, `-o json`, `--output json` or `--output=json`. */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.some(
    (a, i) =>
      a === '--json' ||
      a === '-ojson' ||
      a === '--output=json' ||
      ((a === '-o' || a === '--output') && argv[i + 1] === 'json'),
  );
}

/**
 * The context of one command. The config file is found when the command first needs it, and said on stderr when
 * it was found by looking through the folders (not named); stacks go beside it unless --out or $CDKTF_OUTDIR say.
 */
function contextFor(globals: GlobalOptions, io: Io, tools: ToolRunner): CliContext {
  let found: FoundConfig | undefined;
  let store: ConfigStore | undefined;
  const config = () => {
    if (!found) {
      found = findConfig(globals.config, io.env, io.cwd);
      if (found.from === 'search') io.err(`config: ${found.file}`);
    }
    return found;
  };
  return {
    io,
    tools,
    get store() {
      return (store ??= new ConfigStore(config().file));
    },
    configFlag: globals.config,
    get outdir() {
      return globals.out ?? (io.env.CDKTF_OUTDIR || join(dirname(resolve(io.cwd, config().file)), 'cdktf.out'));
    },
    json: Boolean(globals.json),
    verbose: Boolean(globals.verbose),
  };
}

/** Runs the command line; returns the exit code. */
export async function cli(argv: readonly string[], io: Io, tools?: ToolRunner): Promise<number> {
  const json = wantsJson(argv);
  let code: number = EXIT.ok;
  let commanderMessage = '';
  const program = buildProgram(async (globals, action) => {
    code = await action(contextFor(globals, io, tools ?? new ProcessRunner(io)));
  });
  const configure = (cmd: typeof program) => {
    cmd.exitOverride().configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
      outputError: (s) => {
        commanderMessage = s.trim();
      },
    });
    cmd.commands.forEach((c) => configure(c as typeof program));
  };
  configure(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (CLEAN_EXITS.has(err.code)) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      const at = commandFor(program, argv);
      const path = pathOf(at).join(' ');
      let message = commanderMessage
        .replace(/^error: /, '')
        .replace(/\n\((Did you mean .*)\)$/s, '; $1')
        .replace(/(\w) \?$/, '$1?')
        .replace('; Did you mean', '; did you mean');
      if (err.code === 'commander.unknownCommand') {
        // `sandboxkit lst` means `sandboxkit instance list`: look through every level below this one, not only this one.
        const word = /'([^']+)'/.exec(message)?.[1] ?? '';
        const paths = commandPaths(at, pathOf(at));
        const hint = suggest(
          word,
          paths.map((p) => p[p.length - 1]),
        );
        const match = hint && paths.find((p) => hint.includes(`"${p[p.length - 1]}"`));
        message = `unknown command '${word}'${match ? `; did you mean "sandboxkit ${match.join(' ')}"?` : ''}`;
      }
      const text = `${message}\nRun 'sandboxkit ${path ? `${path} ` : ''}--help' for usage.`;
      if (json) io.out(jsonError('usage', text, EXIT.usage));
      io.err(`sandboxkit${path ? ` ${path}` : ''}: ${text}`);
      return EXIT.usage;
    }
    if (err instanceof ConfigError) {
      if (json) io.out(jsonError('config', err.message, EXIT.usage, { file: err.file, issues: err.issues }));
      io.err(err.message);
      return EXIT.usage;
    }
    if (err instanceof CliError) {
      const kind = err.exitCode === EXIT.usage ? 'usage' : err.exitCode === EXIT.interrupted ? 'interrupted' : 'failed';
      if (json) io.out(jsonError(kind, err.message, err.exitCode));
      io.err(`sandboxkit: ${err.message}`);
      return err.exitCode;
    }
    const missing = /Cannot find module '(@cdktf\/provider-[a-z]+)/.exec((err as Error).message);
    const message = missing
      ? `${missing[1]} is not installed, and the config has a cluster on its cloud. Install the provider of each cloud the config uses: npm install ${pinned(missing[1])}`
      : (err as Error).message;
    if (json) io.out(jsonError('failed', message, EXIT.failed));
    io.err(`sandboxkit: ${message}`);
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
