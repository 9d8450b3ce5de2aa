import type { RecordStore } from '../records';
import type { Actor } from './actor';
import type { LifecycleAction, Phase } from './phase';
import { withHistory, withPhase, type HistoryEntry, type InstanceRecord, type RecordedStatus } from './record';
import { firstLine } from './reconcile';

/** Writes each step of one action into the instance's record: the phase it runs in, then how it ended and who ran it. */
export class ActionRecorder {
  private current: InstanceRecord;

  constructor(
    private readonly store: RecordStore,
    record: InstanceRecord,
    private readonly actor: Actor,
    private readonly action: LifecycleAction,
    private readonly now: () => Date,
  ) {
    this.current = record;
  }

  get record(): InstanceRecord {
    return this.current;
  }

  /** Moves to the phase the action runs in, and records it. */
  async begin(phase: Phase, changes: Partial<Omit<RecordedStatus, 'phase' | 'updatedAt'>> = {}): Promise<void> {
    this.current = withPhase(this.current, phase, this.now(), changes);
    await this.store.put(this.current);
  }

  /** Moves to the phase the action leaves, with a history entry of its success. */
  async succeed(
    phase: Phase,
    detail?: string,
    changes: Partial<Omit<RecordedStatus, 'phase' | 'updatedAt'>> = {},
  ): Promise<InstanceRecord> {
    this.current = withHistory(withPhase(this.current, phase, this.now(), changes), this.entry('succeeded', detail));
    await this.store.put(this.current);
    return this.current;
  }

  /** Records the failure (phase `failed` unless another is given) with the error's first line in the history. */
  async fail(message: string, phase: Phase = 'failed'): Promise<void> {
    const at = this.now();
    this.current = withHistory(
      withPhase(this.current, phase, at, {
        failure: { action: this.action, message, at: at.toISOString() },
      }),
      this.entry('failed', firstLine(message)),
    );
    await this.store.put(this.current);
  }

  private entry(outcome: HistoryEntry['outcome'], detail?: string): HistoryEntry {
    return {
      at: this.now().toISOString(),
      by: this.actor.name,
      action: this.action,
      outcome,
      ...(detail ? { detail } : {}),
    };
  }
}
