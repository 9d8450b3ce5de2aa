import { stringify } from 'yaml';
import type { OutputFormat } from '../../command-kit';
import type { CliContext } from '../../context';
import { humanDuration } from '../../duration';
import { bold, green, red, yellow, type Io } from '../../io';
import type { Phase } from '../../lifecycle/phase';
import type { PlannedChange } from '../../terraform';

/** A phase in the colour that says whether it needs attention. */
export function phaseText(io: Io, phase: Phase): string {
  if (phase === 'failed' || phase === 'expired') return red(io, phase);
  if (phase === 'ready') return green(io, phase);
  return yellow(io, phase);
}

/** `in 2h 5m` or `3m ago` from now. */
export function fromNow(now: Date, iso: string | null | undefined): string {
  if (!iso) return '-';
  const t = Date.parse(iso);
  return t > now.getTime() ? `in ${humanDuration(t - now.getTime())}` : `${humanDuration(now.getTime() - t)} ago`;
}

const SYMBOL: Record<string, string> = { create: '+', update: '~', delete: '-', replace: '-/+' };

/** The resource changes of a plan, one per line, as `--dry-run` shows them. */
export function changeLines(changes: readonly PlannedChange[]): string[] {
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  const summary = `${count('create') + count('replace')} to add, ${count('update')} to change, ${count('delete') + count('replace')} to destroy`;
  return [summary, ...changes.map((c) => `  ${SYMBOL[c.action] ?? c.action} ${c.address}`)];
}

/** Prints a command's result as JSON or YAML when asked; returns whether it did (else the caller prints text). */
export function printStructured(ctx: CliContext, format: OutputFormat, value: unknown): boolean {
  if (format === 'json') ctx.io.out(JSON.stringify(value, null, 2));
  else if (format === 'yaml') ctx.io.out(stringify(value, { lineWidth: 0 }).trimEnd());
  else return false;
  return true;
}

/** `label:  value` lines, the values aligned. */
export function fields(io: Io, rows: readonly (readonly [string, string | undefined])[]): void {
  const shown = rows.filter((r): r is readonly [string, string] => r[1] !== undefined && r[1] !== '');
  const width = Math.max(...shown.map(([k]) => k.length)) + 1;
  for (const [k, v] of shown) io.out(`  ${`${k}:`.padEnd(width)}  ${v}`);
}

export const heading = (io: Io, text: string) => io.out(bold(io, text));
