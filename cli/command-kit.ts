import { Command, InvalidArgumentError, Option, type HelpContext } from 'commander';
import { suggest } from '../config/suggest';
import type { CliContext } from './context';
import { parseTtlHours } from './duration';

/** Global options every command accepts. */
export interface GlobalOptions {
  readonly config?: string;
  readonly out?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/** Runs a command's action with a context built from the global options; returns its exit code. */
export type Runner = (globals: GlobalOptions, action: (ctx: CliContext) => Promise<number>) => Promise<void>;

/** The action of a command: its context and its Command (options, arguments); returns the exit code. */
export type CommandAction = (ctx: CliContext, cmd: Command) => Promise<number>;

/** Wraps an action for Commander: the globals of the command line, then `fn`. */
export const actionOf = (run: Runner, fn: CommandAction) =>
  async function (this: Command) {
    await run(this.optsWithGlobals() as GlobalOptions, (ctx) => fn(ctx, this));
  };

/**
 * A command whose subcommands are the point: run alone, it shows its help on stdout and exits 0, as
 * `kubectl config` and `gh pr` do.
 */
export class CommandGroup extends Command {
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

/** Comma-separated values, repeatable. */
export const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A parser for one of `values`, with did-you-mean for anything else. */
export function oneOf<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    if (values.includes(value as T)) return value as T;
    throw new InvalidArgumentError(`expected ${values.join(', ')}, got "${value}"${suggest(value, values)}`);
  };
}

/** A comma-separated list of `values`, repeatable, with did-you-mean. */
export function listOf<T extends string>(values: readonly T[]) {
  return (value: string, previous: T[] = []): T[] => [...previous, ...list(value).map(oneOf(values))];
}

/** Hours in 48h or 2d. */
export function ttl(value: string): number {
  try {
    return parseTtlHours(value, 'it');
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^it /, ''));
  }
}

/** A duration for --timeout: 90s, 10m, 1h. */
export function duration(value: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected a duration such as 90s, 10m or 1h, got "${value}"`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

/** How a command prints what it returns. */
export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name';

/** `-o, --output`, with the formats the command has; `--json` stays an alias of `-o json`. */
export function outputOption(formats: readonly Exclude<OutputFormat, 'table'>[]): Option {
  return new Option('-o, --output <format>', `output format: ${formats.join(', ')} (default: text)`).argParser(
    oneOf(formats),
  );
}

/** The format asked for: `-o`, else `--json`, else text. */
export function outputOf(ctx: CliContext, cmd: Command): OutputFormat {
  const o = cmd.opts().output as OutputFormat | undefined;
  return o ?? (ctx.json ? 'json' : 'table');
}

/** `--wait` and `--timeout`, as kubectl and helm have them. */
export function waitOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--wait', `wait until ${what}`)
    .addOption(
      new Option(
        '--timeout <duration>',
        'give up after this long (90s, 10m, 1h); Terraform is stopped as Ctrl-C stops it',
      ).argParser(duration),
    );
}

/** The deadline of a command with `--timeout`, or with `--wait` alone (five minutes, as `helm --wait`). */
export function deadlineOf(cmd: Command): number | undefined {
  const o = cmd.opts() as { timeout?: number; wait?: boolean };
  if (o.timeout !== undefined) return Date.now() + o.timeout;
  return o.wait ? Date.now() + 5 * 60_000 : undefined;
}

/**
 * Required options are checked in the action rather than by Commander, which checks them before unknown options:
 * `--clustr kind` must be reported as a misspelling of --cluster, not as a missing --cluster.
 */
export function requireOptions(cmd: Command, names: readonly string[]): void {
  for (const name of names) {
    if (cmd.getOptionValue(name) !== undefined) continue;
    const option = cmd.options.find((o) => o.attributeName() === name)!;
    cmd.error(`error: required option '${option.flags}' not specified`, {
      exitCode: 2,
      code: 'commander.missingMandatoryOptionValue',
    });
  }
}
