import type { InstanceConfig } from '../../config/types';
import { CliError, EXIT } from '../io';
import { canMove, type LifecycleAction, type Phase, PHASES } from './phase';

/** Entries of an instance's history the record keeps; older ones are dropped first. */
export const HISTORY_LIMIT = 100;

/** One action on the instance: who asked for it, what it was, when, and how it ended. */
export interface HistoryEntry {
  readonly at: string;
  /** The git user e-mail or login of whoever ran the command (lifecycle/actor.ts). */
  readonly by: string;
  readonly action: LifecycleAction;
  readonly outcome: 'succeeded' | 'failed' | 'planned';
  /** What changed (`ttlHours 24 -> 72`), or the first line of the error. */
  readonly detail?: string;
}

/** What the last command recorded of the instance. */
export interface RecordedStatus {
  readonly phase: Phase;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The expiry the last apply wrote (Terraform's `expires_at`), or the CLI's reckoning before it; none when protected. */
  readonly expiresAt?: string;
  /** `https://` URL of every routed block, from the stack's `hostnames` output. */
  readonly urls?: readonly string[];
  /** Set while `phase` is failed: which action did not finish, and why. */
  readonly failure?: { readonly action: LifecycleAction; readonly message: string; readonly at: string };
  /** The environment template the spec was built from, when it was. */
  readonly template?: string;
}

/**
 * What the CLI keeps next to an instance's Terraform state: its spec (an `instances[]` entry of the config schema,
 * its template applied), its status and its history. Every command reads and changes these, so that `destroy`,
 * `extend`, `gc` and `get` work without the config file naming the instance.
 */
export interface InstanceRecord {
  readonly kind: 'sandboxkit-instance';
  readonly version: 2;
  readonly spec: InstanceConfig;
  /** `config`: declared in the config file; `cli`: created from the command line (`apply -f`, `create`). */
  readonly origin: 'config' | 'cli';
  readonly status: RecordedStatus;
  readonly history: readonly HistoryEntry[];
}

/** The first record format (0.1): the deployed instance and a status word. */
interface LegacyRecord {
  readonly kind: 'sandboxkit-instance';
  readonly instance: InstanceConfig;
  readonly status: 'deploying' | 'deployed' | 'failed';
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly updatedAt: string;
}

const LEGACY_PHASE: Record<LegacyRecord['status'], Phase> = {
  deploying: 'creating',
  deployed: 'ready',
  failed: 'failed',
};

function fromLegacy(old: LegacyRecord): InstanceRecord {
  return {
    kind: 'sandboxkit-instance',
    version: 2,
    spec: old.instance,
    origin: 'cli',
    status: {
      phase: LEGACY_PHASE[old.status] ?? 'failed',
      createdAt: old.createdAt,
      updatedAt: old.updatedAt,
      expiresAt: old.expiresAt,
      ...(old.status === 'failed'
        ? { failure: { action: 'create', message: 'the create did not finish', at: old.updatedAt } }
        : {}),
    },
    history: [],
  };
}

/** Reads a record of either format; a damaged one is an error that names where it is. */
export function parseRecord(text: string, where: string): InstanceRecord {
  try {
    const data = JSON.parse(text) as Partial<InstanceRecord> & Partial<LegacyRecord>;
    if (data.kind !== 'sandboxkit-instance') throw new Error('not an instance record');
    if (data.version === 2) {
      if (typeof data.spec?.name !== 'string' || !PHASES.includes(data.status?.phase as Phase))
        throw new Error('no spec name or no known phase');
      return { ...(data as InstanceRecord), history: data.history ?? [] };
    }
    if (typeof data.instance?.name !== 'string') throw new Error('no instance name');
    return fromLegacy(data as LegacyRecord);
  } catch (err) {
    throw new CliError(
      `instance record ${where} is damaged (${(err as Error).message}); remove it once the instance is gone`,
      EXIT.failed,
    );
  }
}

export const recordName = (record: InstanceRecord): string => record.spec.name;

/** A new record: the spec accepted, nothing applied yet. */
export function newRecord(
  spec: InstanceConfig,
  origin: InstanceRecord['origin'],
  now: Date,
  extra: Partial<Pick<RecordedStatus, 'expiresAt' | 'template'>> = {},
  history: readonly HistoryEntry[] = [],
): InstanceRecord {
  const at = now.toISOString();
  return {
    kind: 'sandboxkit-instance',
    version: 2,
    spec,
    origin,
    status: { phase: 'pending', createdAt: at, updatedAt: at, ...extra },
    history,
  };
}

/**
 * A record for an instance the CLI finds deployed without one (declared in the config and deployed with cdktf), so
 * that what is done to it from now on is recorded.
 */
export function adoptedRecord(spec: InstanceConfig, phase: Phase, now: Date, expiresAt?: string): InstanceRecord {
  const at = now.toISOString();
  return {
    kind: 'sandboxkit-instance',
    version: 2,
    spec,
    origin: 'config',
    status: { phase, createdAt: at, updatedAt: at, ...(expiresAt ? { expiresAt } : {}) },
    history: [],
  };
}

/** The record moved to `phase`; a move the state machine does not allow is a bug, not a user error. */
export function withPhase(
  record: InstanceRecord,
  phase: Phase,
  now: Date,
  changes: Partial<Omit<RecordedStatus, 'phase' | 'updatedAt'>> = {},
): InstanceRecord {
  if (!canMove(record.status.phase, phase))
    throw new Error(`instance "${recordName(record)}": no move from ${record.status.phase} to ${phase}`);
  const { failure: _failure, ...rest } = record.status;
  return {
    ...record,
    status: {
      ...(phase === 'failed' ? record.status : rest),
      ...changes,
      phase,
      updatedAt: now.toISOString(),
    },
  };
}

/** The record with one more history entry, the oldest dropped past {@link HISTORY_LIMIT}. */
export function withHistory(record: InstanceRecord, entry: HistoryEntry): InstanceRecord {
  return { ...record, history: [...record.history, entry].slice(-HISTORY_LIMIT) };
}
