import type { CliContext } from '../context';
import { CliError, EXIT, green, red } from '../io';
import { isExpired, readOutputs, withInstanceLock, type InstanceOutputs } from '../instances';
import type { InstanceRecord } from '../records';
import { destroyOne } from './destroy';
import { knownInstances } from './list';

export interface GcOutcome {
  readonly instance: string;
  readonly expiresAt: string | null;
  readonly reason: string;
  readonly result: 'destroyed' | 'would destroy' | 'kept' | 'failed' | 'skipped';
  readonly error?: string;
}

/** Why gc removes an instance, or undefined to keep it. Terraform's outputs decide when there are any. */
export function gcReason(
  outputs: InstanceOutputs | undefined,
  record: InstanceRecord | undefined,
  now: Date,
): string | undefined {
  if (outputs?.expiresAt) return isExpired(outputs, now) ? 'expired' : undefined;
  if (!record) return undefined;
  if (record.status === 'failed') return 'create failed';
  const past = Date.parse(record.expiresAt) <= now.getTime();
  if (record.status === 'deploying') return past ? 'create abandoned' : undefined;
  return past ? 'expired' : undefined;
}

/**
 * Destroys every instance that has expired (or was reaped in the cluster),
 * and every create that failed, whether the config names it or only its
 * record in the state backend does. Each is decided again under the
 * instance's lock, with its expiry read afresh, so an `extend` that ran
 * meanwhile wins. One failure does not stop the others; all are reported.
 */
export async function garbageCollect(ctx: CliContext, dryRun: boolean): Promise<number> {
  const outcomes: GcOutcome[] = [];
  for (const { row, ref, outputs } of await knownInstances(ctx)) {
    if (!ref) {
      if (row.source === 'state') {
        outcomes.push({
          instance: row.name,
          expiresAt: null,
          reason: 'state without a record',
          result: 'skipped',
          error: 'neither the config nor a record describes it; destroy it with cdktf or terraform',
        });
      }
      continue;
    }
    if (row.protected || outputs?.protected) continue;
    const first = gcReason(outputs, ref.record, ctx.io.now());
    // A record's expiry is reckoned before its apply began, so Terraform's is never earlier: one that is not due is skipped unread.
    if (!first) continue;
    if (dryRun) {
      outcomes.push({ instance: row.name, expiresAt: row.expiresAt, reason: first, result: 'would destroy' });
      continue;
    }
    try {
      const outcome = await withInstanceLock(ctx, ref.name, async (): Promise<GcOutcome> => {
        const fresh = await readOutputs(ctx, ref, true);
        const record = await ref.store.get(ref.name);
        const reason = gcReason(fresh, record, ctx.io.now());
        if (!reason)
          return {
            instance: row.name,
            expiresAt: fresh?.expiresAt ?? record?.expiresAt ?? null,
            reason: 'extended meanwhile',
            result: 'kept',
          };
        await destroyOne(ctx, ref);
        return {
          instance: row.name,
          expiresAt: fresh?.expiresAt ?? record?.expiresAt ?? null,
          reason,
          result: 'destroyed',
        };
      });
      outcomes.push(outcome);
    } catch (err) {
      outcomes.push({
        instance: row.name,
        expiresAt: row.expiresAt,
        reason: first,
        result: 'failed',
        error: err instanceof CliError ? err.message : String(err),
      });
    }
  }
  const failed = outcomes.filter((o) => o.result === 'failed').length;
  if (ctx.json)
    ctx.io.out(
      JSON.stringify({
        expired: outcomes.filter((o) => o.result !== 'skipped' && o.result !== 'kept').length,
        failed,
        outcomes,
      }),
    );
  else {
    if (outcomes.length === 0) ctx.io.out('no expired instances');
    for (const o of outcomes) {
      const mark =
        o.result === 'failed'
          ? red(ctx.io, 'failed')
          : o.result === 'destroyed'
            ? green(ctx.io, 'destroyed')
            : o.result;
      ctx.io.out(`${o.instance}: ${mark} (${o.reason})${o.error ? `: ${o.error.split('\n')[0]}` : ''}`);
    }
  }
  return failed > 0 ? EXIT.failed : EXIT.ok;
}
