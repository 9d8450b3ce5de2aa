import type { CliContext } from '../context';
import { withInstanceLock } from '../instances';
import { CliError } from '../io';
import type { Actor } from './actor';
import { destroyLocked } from './destroy';
import { gcReason } from './preconditions';
import { findTarget } from './target';
import { listInstances } from './view';

/** Records of destroyed instances are kept this long as their history, then gc removes them. */
export const GONE_RECORDS_KEPT_DAYS = 30;

export interface GcOutcome {
  readonly instance: string;
  readonly expiresAt: string | null;
  readonly reason: string;
  readonly result: 'destroyed' | 'would destroy' | 'kept' | 'failed' | 'skipped' | 'forgotten' | 'would forget';
  readonly error?: string;
}

export interface GcResult {
  readonly outcomes: readonly GcOutcome[];
  /** Backends and clusters that could not be read. */
  readonly warnings: readonly string[];
}

/**
 * Destroys every instance that has expired (or was reaped in the cluster) and every create that failed, whether the
 * config names it or only its record does, and forgets the records of instances gone for
 * {@link GONE_RECORDS_KEPT_DAYS} days. Each is decided again under the instance's lock, with the cluster read
 * afresh, so an `extend` that ran meanwhile wins. One failure does not stop the others; all are reported.
 */
export async function garbageCollect(ctx: CliContext, dryRun: boolean, actor: Actor): Promise<GcResult> {
  const config = ctx.store.read();
  const listing = await listInstances(ctx, config, { gone: true });
  const outcomes: GcOutcome[] = [];
  const now = ctx.io.now();
  for (const view of listing.instances) {
    if (view.origin === 'state') {
      outcomes.push({
        instance: view.name,
        expiresAt: null,
        reason: 'state without a record',
        result: 'skipped',
        error: 'neither the config nor a record describes it; destroy it with cdktf or terraform',
      });
      continue;
    }
    const ref = view.ref!;
    if (view.phase === 'gone') {
      const at = ref.record?.status.updatedAt;
      if (!at || now.getTime() - Date.parse(at) < GONE_RECORDS_KEPT_DAYS * 86_400_000) continue;
      if (!dryRun) await ref.store.forget(ref.name);
      outcomes.push({
        instance: view.name,
        expiresAt: null,
        reason: `destroyed more than ${GONE_RECORDS_KEPT_DAYS} days ago`,
        result: dryRun ? 'would forget' : 'forgotten',
      });
      continue;
    }
    const first = gcReason({
      name: view.name,
      phase: view.phase,
      failedAction: view.failedAction,
      reason: view.reason,
      protected: view.protected,
    });
    if (!first) continue;
    if (dryRun) {
      outcomes.push({ instance: view.name, expiresAt: view.expiresAt, reason: first, result: 'would destroy' });
      continue;
    }
    try {
      outcomes.push(
        await withInstanceLock(ctx, ref.name, async (): Promise<GcOutcome> => {
          const fresh = await findTarget(ctx, config, ref.name, { require: true });
          const reason = gcReason({
            name: ref.name,
            phase: fresh.status.phase,
            failedAction: fresh.status.failedAction,
            reason: fresh.status.reason,
            protected: fresh.isProtected,
          });
          if (!reason)
            return {
              instance: view.name,
              expiresAt: fresh.status.expiresAt ?? null,
              reason: `${fresh.status.phase} now (extended meanwhile?)`,
              result: 'kept',
            };
          await destroyLocked(ctx, fresh, actor, 'gc');
          return { instance: view.name, expiresAt: fresh.status.expiresAt ?? null, reason, result: 'destroyed' };
        }),
      );
    } catch (err) {
      outcomes.push({
        instance: view.name,
        expiresAt: view.expiresAt,
        reason: first,
        result: 'failed',
        error: err instanceof CliError ? err.message : String(err),
      });
    }
  }
  return { outcomes, warnings: listing.warnings };
}
