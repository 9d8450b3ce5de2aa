import { CliError } from './io';

export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

/** `--name value`, `--name=value` and boolean `--flag`; `boolean` lists the flags that take no value. */
export function parseArgs(argv: readonly string[], boolean: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (boolean.includes(name)) {
      flags.set(name, true);
    } else if (inline !== undefined) {
      flags.set(name, inline);
    } else {
      const value = argv[i + 1];
      // Without a value it is kept as a bare flag: unknown flags are then reported as unknown, known ones as missing their value.
      if (value === undefined || value.startsWith('--')) flags.set(name, true);
      else {
        flags.set(name, value);
        i++;
      }
    }
  }
  return { positional, flags };
}

/** A flag's value; `required` turns a missing flag into a usage error. */
export function flag(args: ParsedArgs, name: string, required: true): string;
export function flag(args: ParsedArgs, name: string, required?: false): string | undefined;
export function flag(args: ParsedArgs, name: string, required = false): string | undefined {
  const value = args.flags.get(name);
  if (value === true) throw new CliError(`--${name} needs a value`);
  if (value === undefined && required) throw new CliError(`--${name} is required`);
  return value;
}

export const list = (value: string | undefined) => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : []);
