import type { CliContext } from '../context';
import { CliError, EXIT, green, red } from '../io';
import { instanceRows } from './list';
import { destroyOne } from './destroy';

export interface GcOutcome {
  readonly instance: string;
  readonly expiresAt: string | null;
  readonly result: 'destroyed' | 'would destroy' | 'failed';
  readonly error?: string;
}

/** Destroys every expired instance; one failure does not stop the others, and all outcomes are reported. */
export async function garbageCollect(ctx: CliContext, dryRun: boolean): Promise<number> {
  const expired = (await instanceRows(ctx)).filter((r) => r.state === 'expired');
  const outcomes: GcOutcome[] = [];
  for (const row of expired) {
    if (dryRun) {
      outcomes.push({ instance: row.name, expiresAt: row.expiresAt, result: 'would destroy' });
      continue;
    }
    try {
      await destroyOne(ctx, row.name);
      outcomes.push({ instance: row.name, expiresAt: row.expiresAt, result: 'destroyed' });
    } catch (err) {
      outcomes.push({ instance: row.name, expiresAt: row.expiresAt, result: 'failed', error: err instanceof CliError ? err.message : String(err) });
    }
  }
  const failed = outcomes.filter((o) => o.result === 'failed').length;
  if (ctx.json) ctx.io.out(JSON.stringify({ expired: expired.length, failed, outcomes }));
  else {
    if (outcomes.length === 0) ctx.io.out('no expired instances');
    for (const o of outcomes) {
      const mark = o.result === 'failed' ? red(ctx.io, 'failed') : o.result === 'destroyed' ? green(ctx.io, 'destroyed') : o.result;
      ctx.io.out(`${o.instance}: ${mark}${o.error ? ` (${o.error.split('\n')[0]})` : ''}`);
    }
  }
  return failed > 0 ? EXIT.failed : EXIT.ok;
}
