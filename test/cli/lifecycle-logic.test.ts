import { auditReport, attributeChanges } from '../../cli/plan-report';
import type { NamespaceObservation } from '../../cli/lifecycle/observe';
import { podCounts, warningEvents } from '../../cli/lifecycle/observe';
import { canMove, PHASES, TRANSITIONS } from '../../cli/lifecycle/phase';
import { actionProblem, gcReason } from '../../cli/lifecycle/preconditions';
import { renderedContainers } from '../../cli/lifecycle/quota-preflight';
import { newRecord, parseRecord, withHistory, withPhase, HISTORY_LIMIT } from '../../cli/lifecycle/record';
import { INTERRUPTED_AFTER_MS, reconcile } from '../../cli/lifecycle/reconcile';
import { mergeEntry, mergePatch } from '../../cli/lifecycle/spec-merge';

const NOW = new Date('2026-11-23T12:00:00Z');
const spec = { name: 'web', cluster: 'kind', owner: 'eve', blocks: ['valkey'] };
const ns = (over: Partial<NamespaceObservation> = {}): NamespaceObservation => ({
  name: 'web',
  terminating: false,
  instance: 'web',
  protected: false,
  expiresAt: '2026-11-24T12:00:00Z',
  ...over,
});
const record = (phase: Parameters<typeof withPhase>[1], updatedAt = NOW) => {
  const r = newRecord(spec, 'cli', updatedAt, { expiresAt: '2026-11-24T12:00:00Z' });
  return { ...r, status: { ...r.status, phase } };
};

describe('the state machine', () => {
  it('reaches every phase from pending, and refuses a move it does not list', () => {
    const seen = new Set<string>(['pending']);
    const queue = ['pending'];
    while (queue.length) {
      for (const to of TRANSITIONS[queue.shift() as keyof typeof TRANSITIONS]) {
        if (seen.has(to)) continue;
        seen.add(to);
        queue.push(to);
      }
    }
    expect([...seen].sort()).toEqual([...PHASES].sort());
    expect(canMove('ready', 'creating')).toBe(false);
    expect(() => withPhase(record('ready'), 'creating', NOW)).toThrow(/no move from ready to creating/);
  });

  it('keeps a failure only while failed, and at most a hundred history entries', () => {
    const failed = withPhase(record('creating'), 'failed', NOW, {
      failure: { action: 'create', message: 'x', at: NOW.toISOString() },
    });
    expect(failed.status.failure?.action).toBe('create');
    expect(withPhase(failed, 'creating', NOW).status.failure).toBeUndefined();
    let r = record('ready');
    for (let i = 0; i < HISTORY_LIMIT + 5; i++)
      r = withHistory(r, { at: String(i), by: 'x', action: 'extend', outcome: 'succeeded' });
    expect(r.history).toHaveLength(HISTORY_LIMIT);
    expect(r.history[0].at).toBe('5');
  });

  it('reads a damaged record as an error that says where it is', () => {
    expect(() => parseRecord('{"kind":"other"}', 's3://b/k')).toThrow(
      /instance record s3:\/\/b\/k is damaged \(not an instance record\)/,
    );
  });
});

describe('reconcile', () => {
  it('derives expired, stopped, destroying and failed from the namespace', () => {
    expect(reconcile(record('ready'), ns(), NOW).phase).toBe('ready');
    expect(reconcile(record('ready'), ns({ expiresAt: '2026-11-23T11:00:00Z' }), NOW).phase).toBe('expired');
    expect(reconcile(record('ready'), ns({ stoppedAt: 'x' }), NOW).phase).toBe('stopped');
    expect(reconcile(record('stopped'), ns(), NOW)).toMatchObject({
      phase: 'ready',
      reason: expect.stringMatching(/started outside/),
    });
    expect(reconcile(record('ready'), ns({ terminating: true }), NOW).phase).toBe('destroying');
    expect(reconcile(record('ready'), undefined, NOW)).toMatchObject({
      phase: 'failed',
      reason: expect.stringMatching(/namespace is gone/),
    });
    expect(reconcile(record('creating'), undefined, NOW).phase).toBe('creating');
  });

  it('takes a command that left a transitional phase long ago as interrupted', () => {
    const old = new Date(NOW.getTime() - INTERRUPTED_AFTER_MS - 1000);
    expect(reconcile(record('creating', old), ns(), NOW)).toMatchObject({ phase: 'failed', failedAction: 'create' });
    expect(reconcile(record('updating', old), ns(), NOW)).toMatchObject({ phase: 'failed', failedAction: 'update' });
  });

  it('shows the recorded phase when the cluster was not read, and expired by the recorded expiry', () => {
    expect(reconcile(record('stopped'), 'unknown', NOW).phase).toBe('stopped');
    expect(reconcile(record('ready'), 'unknown', new Date('2026-11-25T00:00:00Z')).phase).toBe('expired');
  });

  it('never expires a protected instance', () => {
    expect(reconcile(undefined, ns({ expiresAt: '2000-01-01T00:00:00Z' }), NOW, true).phase).toBe('ready');
  });
});

describe('preconditions', () => {
  it('refuses each action where its phase does not allow it, naming the fix', () => {
    expect(actionProblem('extend', { name: 'web', phase: 'failed', failedAction: 'create' })).toMatch(
      /instance destroy web/,
    );
    expect(actionProblem('extend', { name: 'web', phase: 'failed', failedAction: 'update' })).toBeUndefined();
    expect(actionProblem('update', { name: 'web', phase: 'stopped' })).toMatch(/sandboxkit instance start web/);
    expect(actionProblem('update', { name: 'web', phase: 'expired' })).toMatch(/sandboxkit instance extend web --ttl/);
    expect(actionProblem('create', { name: 'web', phase: 'ready' })).toMatch(/pass --update/);
    expect(actionProblem('start', { name: 'web', phase: 'expired' })).toMatch(/only a stopped instance can be started/);
    expect(actionProblem('destroy', { name: 'web', phase: 'creating' })).toBeUndefined();
  });

  it('lets gc take expired instances and failed or interrupted creates, never a failed update or a protected one', () => {
    expect(gcReason({ name: 'w', phase: 'expired' })).toBe('expired');
    expect(gcReason({ name: 'w', phase: 'failed', failedAction: 'create' })).toBe('create failed');
    expect(
      gcReason({ name: 'w', phase: 'failed', failedAction: 'create', reason: 'interrupted: creating since x' }),
    ).toBe('create interrupted');
    expect(gcReason({ name: 'w', phase: 'failed', failedAction: 'update' })).toBeUndefined();
    expect(gcReason({ name: 'w', phase: 'expired', protected: true })).toBeUndefined();
  });
});

describe('merging a spec', () => {
  it('merges as JSON merge patch: maps key by key, lists replaced, null removed', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2], x: 1 }, { a: { b: 3 }, l: [3], x: null })).toEqual({
      a: { b: 3, c: 2 },
      l: [3],
    });
  });

  it('merges addBlocks values into the stored block, and a template takes back the fields it sets', () => {
    const stored = {
      ...spec,
      blocks: [{ name: 'valkey', values: { image: { tag: 'a' }, replica: { n: 1 } } }, 'postgresql'],
      ttlHours: 8,
      size: 'large',
    };
    expect(
      mergeEntry(stored, { name: 'web', addBlocks: [{ name: 'valkey', values: { image: { tag: 'b' } } }] }).blocks,
    ).toEqual([{ name: 'valkey', values: { image: { tag: 'b' }, replica: { n: 1 } } }, 'postgresql']);
    expect(mergeEntry(stored, { name: 'web', template: 'core' }, ['blocks', 'ttlHours'])).toEqual({
      name: 'web',
      cluster: 'kind',
      owner: 'eve',
      size: 'large',
      template: 'core',
    });
  });
});

describe('reading the cluster', () => {
  it('counts running pods, not completed ones, and says why one is not ready', () => {
    expect(
      podCounts([
        { metadata: { name: 'a' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
        {
          metadata: { name: 'b' },
          status: { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff' } } }] },
        },
        { metadata: { name: 'c' }, status: { phase: 'Succeeded' } },
      ]),
    ).toEqual({ ready: 1, total: 2, notReady: [{ name: 'b', reason: 'ImagePullBackOff' }] });
  });

  it('keeps each warning once, counted, latest last', () => {
    const e = (reason: string, at: string) => ({
      type: 'Warning',
      reason,
      message: 'm',
      count: 2,
      lastTimestamp: at,
      involvedObject: { kind: 'Pod', name: 'p' },
    });
    expect(warningEvents([e('B', '2'), e('A', '1'), e('B', '2'), { type: 'Normal', reason: 'Pulled' }])).toEqual([
      { object: 'Pod/p', reason: 'A', message: 'm', count: 2, lastSeen: '1' },
      { object: 'Pod/p', reason: 'B', message: 'm', count: 4, lastSeen: '2' },
    ]);
  });

  it('finds the containers of what a chart renders, with replicas, CloudNativePG clusters included', () => {
    expect(
      renderedContainers([
        {
          kind: 'Deployment',
          metadata: { name: 'd' },
          spec: {
            replicas: 2,
            template: { spec: { containers: [{ name: 'c', resources: { limits: { cpu: '1' } } }] } },
          },
        },
        { kind: 'Cluster', metadata: { name: 'pg' }, spec: { instances: 3, resources: { requests: { cpu: '250m' } } } },
        { kind: 'Service', metadata: { name: 's' } },
      ]),
    ).toEqual([
      { workload: 'Deployment/d', container: 'c', replicas: 2, requests: {}, limits: { cpu: '1' } },
      { workload: 'Cluster/pg', container: 'postgres', replicas: 3, requests: { cpu: '250m' }, limits: {} },
    ]);
  });
});

describe('the audit of a plan', () => {
  it('takes empty and null as the same, and fields the cluster owns as noise', () => {
    expect(
      attributeChanges(
        { a: null, b: [], metadata: [{ resource_version: '1' }] },
        { a: {}, b: null, metadata: [{ resource_version: '2' }] },
      ),
    ).toEqual([]);
  });

  it('reports a resource deleted outside the code as one the next apply creates again', () => {
    const report = auditReport({
      resource_drift: [{ address: 'x.y', change: { actions: ['delete'], before: { a: 1 }, after: null } }],
      resource_changes: [{ address: 'x.y', change: { actions: ['create'], before: null, after: { a: 1 } } }],
    });
    expect(report.changes).toEqual([
      { address: 'x.y', action: 'create', outside: true, attributes: [{ path: '', before: { a: 1 }, after: null }] },
    ]);
  });
});
