/**
 * The phases of an instance, as its record and `instance get` show them (DESIGN.md, Lifecycle). The record holds the
 * phase the last command left; what the cluster says refines it when it is read (lifecycle/reconcile.ts).
 */
export const PHASES = [
  'pending',
  'creating',
  'ready',
  'failed',
  'updating',
  'stopping',
  'stopped',
  'starting',
  'expired',
  'destroying',
  'gone',
] as const;
export type Phase = (typeof PHASES)[number];

/** Phases a command is in the middle of; another command waits for it, or takes over when it was interrupted. */
export const TRANSITIONAL: ReadonlySet<Phase> = new Set([
  'pending',
  'creating',
  'updating',
  'stopping',
  'starting',
  'destroying',
]);

/**
 * Every phase a phase may move to, and no other. `expired` is what the cluster's expiry says of a ready or stopped
 * instance; `failed` is left by a create, update, stop or start that did not finish, and a retry starts from it.
 */
export const TRANSITIONS: Readonly<Record<Phase, readonly Phase[]>> = {
  pending: ['creating', 'failed', 'destroying'],
  creating: ['ready', 'failed', 'destroying'],
  ready: ['updating', 'stopping', 'starting', 'expired', 'destroying'],
  failed: ['creating', 'updating', 'stopping', 'starting', 'destroying', 'ready'],
  updating: ['ready', 'failed', 'destroying'],
  stopping: ['stopped', 'failed', 'destroying'],
  stopped: ['starting', 'stopping', 'updating', 'expired', 'destroying'],
  starting: ['ready', 'failed', 'destroying'],
  expired: ['updating', 'destroying'],
  destroying: ['gone', 'failed'],
  gone: ['pending'],
};

/** Whether the state machine lets `from` move to `to` (staying in a phase is always allowed). */
export const canMove = (from: Phase, to: Phase): boolean => from === to || TRANSITIONS[from].includes(to);

/** What a user asks of an instance; each is recorded in its history with who asked and when. */
export type LifecycleAction = 'create' | 'update' | 'extend' | 'stop' | 'start' | 'destroy' | 'gc';
