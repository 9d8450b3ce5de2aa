import type { NamespaceObservation } from './observe';
import { TRANSITIONAL, type LifecycleAction, type Phase } from './phase';
import type { InstanceRecord } from './record';

/** A command that left its phase this long ago without finishing was interrupted (killed, or its machine died). */
export const INTERRUPTED_AFTER_MS = 2 * 3_600_000;

/** The phase an instance is in, by its record and what its cluster says, and why when the two differ. */
export interface ReconciledPhase {
  readonly phase: Phase;
  /** Why the phase is not the recorded one, or what a failure was. */
  readonly reason?: string;
  /** The expiry: the namespace's annotation when read, else the record's. */
  readonly expiresAt?: string;
  /** With `failed`: the action that did not finish, when one did not (rather than the namespace going missing). */
  readonly failedAction?: LifecycleAction;
}

/** The action a transitional phase belongs to. */
const ACTION_OF: Partial<Record<Phase, LifecycleAction>> = {
  pending: 'create',
  creating: 'create',
  updating: 'update',
  stopping: 'stop',
  starting: 'start',
  destroying: 'destroy',
};

/** `undefined`: the namespace does not exist; `'unknown'`: the cluster was not read (or did not answer). */
export type NamespaceState = NamespaceObservation | undefined | 'unknown';

const past = (iso: string | undefined, now: Date) => iso !== undefined && Date.parse(iso) <= now.getTime();

/**
 * The status rules of DESIGN.md's lifecycle: the record says what the last command did; the namespace says what is
 * there. A missing namespace of an instance that was ready is `expired` past its expiry (the reaper took it) and
 * `failed` before; a deleting one is `destroying`; the expiry annotation makes a ready or stopped instance
 * `expired`; the stopped annotation decides between ready and stopped; a command that left a transitional phase
 * hours ago was interrupted, so the instance is `failed`. An instance without a record (declared in the config)
 * is `pending` until its namespace exists, `ready` after.
 */
export function reconcile(
  record: InstanceRecord | undefined,
  ns: NamespaceState,
  now: Date,
  isProtected = false,
): ReconciledPhase {
  const observed = ns !== 'unknown';
  const expiresAt = isProtected ? undefined : (observed && ns?.expiresAt) || record?.status.expiresAt;
  const expired = !isProtected && past(expiresAt, now);
  if (!record) {
    if (!observed) return { phase: 'pending', reason: 'not recorded by the CLI; the cluster was not read', expiresAt };
    if (!ns) return { phase: 'pending', reason: 'declared in the config, not deployed' };
    if (ns.terminating) return { phase: 'destroying', reason: 'its namespace is being deleted', expiresAt };
    if (expired) return { phase: 'expired', expiresAt };
    return { phase: ns.stoppedAt ? 'stopped' : 'ready', expiresAt };
  }
  const recorded = record.status.phase;
  const failure = record.status.failure;
  if (recorded === 'gone') return { phase: 'gone' };
  if (recorded === 'failed')
    return {
      phase: 'failed',
      reason: failure ? `${failure.action} failed: ${firstLine(failure.message)}` : undefined,
      expiresAt,
      failedAction: failure?.action ?? 'create',
    };
  if (TRANSITIONAL.has(recorded) && now.getTime() - Date.parse(record.status.updatedAt) > INTERRUPTED_AFTER_MS)
    return {
      phase: 'failed',
      reason: `interrupted: ${recorded} since ${record.status.updatedAt}`,
      expiresAt,
      failedAction: ACTION_OF[recorded],
    };
  if (!observed) {
    if ((recorded === 'ready' || recorded === 'stopped') && expired)
      return { phase: 'expired', reason: 'past its recorded expiry; the cluster was not read', expiresAt };
    return { phase: recorded, expiresAt };
  }
  if (!ns) {
    if (recorded === 'pending' || recorded === 'creating' || recorded === 'destroying')
      return { phase: recorded, expiresAt };
    return expired
      ? { phase: 'expired', reason: 'its namespace was removed at expiry', expiresAt }
      : { phase: 'failed', reason: 'its namespace is gone from the cluster (deleted outside sandboxkit)', expiresAt };
  }
  if (ns.terminating) return { phase: 'destroying', reason: 'its namespace is being deleted', expiresAt };
  if (recorded === 'ready' || recorded === 'stopped') {
    if (expired) return { phase: 'expired', expiresAt };
    if (recorded === 'ready' && ns.stoppedAt)
      return { phase: 'stopped', reason: `stopped at ${ns.stoppedAt}, outside this record`, expiresAt };
    if (recorded === 'stopped' && !ns.stoppedAt)
      return { phase: 'ready', reason: 'started outside this record (the namespace is not marked stopped)', expiresAt };
  }
  return { phase: recorded, expiresAt };
}

export const firstLine = (text: string): string =>
  text
    .split('\n')
    .find((l) => l.trim())
    ?.trim() ?? '';
