import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { CLI_CONFIG, Workspace, type World } from './stand-in';

/** What the stand-in kubectl answers from and changes, beyond namespaces: workloads and the reaper's ConfigMap. */
interface FakeCluster extends World {
  workloads: { namespace: string; kind: 'Deployment' | 'StatefulSet'; name: string; replicas: number }[];
  /** The reaper's state ConfigMap data; absent when the platform is not installed. */
  state?: Record<string, string>;
  /** CloudNativePG Clusters, with their annotations. */
  databases?: { namespace: string; name: string; annotations: Record<string, string> }[];
}

/** The kubectl stand-in's own answers: workloads, the reaper's ConfigMap, patch, scale. */
const KUBECTL = `const [verb, what, name] = args;
if (verb === 'get' && what === 'deployments,statefulsets') {
  out(JSON.stringify({ items: c.workloads.filter((w) => w.namespace === flag('-n')).map((w) => ({ kind: w.kind, metadata: { name: w.name }, spec: { replicas: w.replicas } })) }));
  return true;
}
if (verb === 'get' && what === 'configmap') {
  if (!c.state) fail('Error from server (NotFound): configmaps "' + name + '" not found');
  out(JSON.stringify({ data: c.state }));
  return true;
}
if (verb === 'patch') {
  const p = JSON.parse(flag('-p'));
  if (flag('--type') === 'merge') Object.assign(c.state, p.data);
  else for (const op of p) delete c.state[op.path.replace('/data/', '')];
  return true;
}
if (verb === 'get' && what === 'clusters.postgresql.cnpg.io') {
  out(JSON.stringify({ items: (c.databases || []).filter((d) => d.namespace === flag('-n')).map((d) => ({ metadata: { name: d.name, annotations: d.annotations } })) }));
  return true;
}
if (verb === 'annotate' && what === 'clusters.postgresql.cnpg.io') {
  const d = c.databases.find((x) => x.namespace === flag('-n') && x.name === name);
  const a = args[args.length - 1];
  if (a.endsWith('-')) delete d.annotations[a.slice(0, -1)]; else { const [k, v] = a.split('='); d.annotations[k] = v; }
  return true;
}
if (verb === 'scale') {
  const [kind, wname] = what.split('/');
  const w = c.workloads.find((x) => x.namespace === flag('-n') && x.kind.toLowerCase() === kind && x.name === wname);
  if (!w) fail('Error from server (NotFound): ' + what + ' not found\\nE1123 noise line one\\nE1123 noise line two');
  w.replicas = Number(args.find((x) => x.startsWith('--replicas=')).split('=')[1]);
  return true;
}`;

function setup(cluster: Pick<FakeCluster, 'workloads' | 'state' | 'databases'>): {
  w: Workspace;
  cluster: () => FakeCluster;
} {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')));
  w.deployed('alpha', { createdAt: '2026-11-23T10:00:00Z', expiresAt: '2026-11-25T10:00:00Z' });
  return { w, cluster: w.kubectlCluster(cluster, KUBECTL) as () => FakeCluster };
}

const ALPHA = [
  { namespace: 'alpha', kind: 'StatefulSet' as const, name: 'postgresql', replicas: 1 },
  { namespace: 'alpha', kind: 'Deployment' as const, name: 'mock-email', replicas: 2 },
  { namespace: 'alpha', kind: 'Deployment' as const, name: 'idle', replicas: 0 },
  { namespace: 'other', kind: 'Deployment' as const, name: 'web', replicas: 3 },
];

describe('sandboxkit instance stop / start', () => {
  it("saves the replicas in the reaper's ConfigMap under its keys, then scales every workload of the instance to zero", async () => {
    const { w, cluster } = setup({ workloads: ALPHA, state: {} });
    const r = await w.run('instance', 'stop', 'alpha', '--json');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    const c = cluster();
    expect(c.state).toEqual({ 'alpha.statefulset.postgresql': '1', 'alpha.deployment.mock-email': '2' });
    expect(c.workloads.map((x) => `${x.namespace}/${x.name}=${x.replicas}`)).toEqual([
      'alpha/postgresql=0',
      'alpha/mock-email=0',
      'alpha/idle=0',
      'other/web=3',
    ]);
    expect(c.namespaces.alpha.annotations).toMatchObject({ 'sandbox.dev/stopped': '2026-11-23T12:00:00.000Z' });
    // Saved before any scale, so a failure part way loses no replica count.
    const firstScale = w.calls().findIndex((x) => / scale /.test(x));
    const save = w
      .calls()
      .findIndex((x) => / patch configmap instance-reaper-state -n sandbox-platform --type merge /.test(x));
    expect(save).toBeGreaterThan(-1);
    expect(save).toBeLessThan(firstScale);
    expect(JSON.parse(r.out)).toMatchObject({ instance: 'alpha', namespace: 'alpha', action: 'stopped' });
    expect(w.record('alpha')).toMatchObject({
      status: { phase: 'stopped' },
      history: [{ action: 'stop', outcome: 'succeeded', by: 'tester', detail: '2 workloads to 0' }],
    });
    expect(JSON.parse((await w.run('instance', 'list', '-o', 'json')).out)[0].phase).toBe('stopped');
  });

  it('hibernates the CloudNativePG clusters of the instance, remembering them, and wakes them on start', async () => {
    const databases: FakeCluster['databases'] = [
      { namespace: 'alpha', name: 'postgresql', annotations: {} },
      { namespace: 'alpha', name: 'archive', annotations: { 'cnpg.io/hibernation': 'on' } },
      { namespace: 'other', name: 'postgresql', annotations: {} },
    ];
    const { w, cluster } = setup({ workloads: ALPHA, state: {}, databases });
    const stop = await w.run('instance', 'stop', 'alpha', '--json');
    expect({ code: stop.code, err: stop.code ? stop.err : '' }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(stop.out).hibernated).toEqual(['postgresql']);
    let c = cluster();
    expect(c.state).toMatchObject({ 'alpha.cluster.postgresql': 'hibernated' });
    expect(c.databases!.map((d) => `${d.namespace}/${d.name}=${d.annotations['cnpg.io/hibernation'] ?? ''}`)).toEqual([
      'alpha/postgresql=on',
      'alpha/archive=on',
      'other/postgresql=',
    ]);
    const save = w.calls().findIndex((x) => /alpha\.cluster\.postgresql/.test(x));
    const annotate = w.calls().findIndex((x) => / annotate clusters\.postgresql\.cnpg\.io postgresql /.test(x));
    expect(save).toBeGreaterThan(-1);
    expect(save).toBeLessThan(annotate);

    const start = await w.run('instance', 'start', 'alpha', '--json');
    expect({ code: start.code, err: start.code ? start.err : '' }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(start.out).hibernated).toEqual(['postgresql']);
    c = cluster();
    expect(c.state).toEqual({});
    // The cluster an owner hibernated stays hibernated.
    expect(c.databases!.map((d) => `${d.namespace}/${d.name}=${d.annotations['cnpg.io/hibernation'] ?? ''}`)).toEqual([
      'alpha/postgresql=',
      'alpha/archive=on',
      'other/postgresql=',
    ]);
  });

  it('reaches the cluster through the kubeconfig and context the config gives it', async () => {
    const { w } = setup({ workloads: ALPHA, state: {} });
    await w.run('instance', 'stop', 'alpha');
    for (const call of w.calls().filter((c) => c.startsWith('kubectl')))
      expect(call).toMatch(new RegExp(`^kubectl --kubeconfig ${join(w.dir, 'kubeconfig')} --context kind-kind `));
  });

  it('starts the workloads again at their saved replicas, forgets them and lifts the stop', async () => {
    const { w, cluster } = setup({ workloads: ALPHA, state: { 'other.deployment.web': '5' } });
    expect((await w.run('instance', 'stop', 'alpha')).code).toBe(0);
    const r = await w.run('instance', 'start', 'alpha');
    expect(r.code).toBe(0);
    expect(r.out).toBe('started instance alpha (2 workloads)\n');
    const c = cluster();
    expect(c.workloads.map((x) => `${x.namespace}/${x.name}=${x.replicas}`)).toEqual([
      'alpha/postgresql=1',
      'alpha/mock-email=2',
      'alpha/idle=0',
      'other/web=3',
    ]);
    expect(c.state).toEqual({ 'other.deployment.web': '5' });
    // Starting counts as an apply for the idle reaper; the stop is lifted.
    expect(c.namespaces.alpha.annotations['sandbox.dev/last-applied-at']).toBe('2026-11-23T12:00:00Z');
    expect(c.namespaces.alpha.annotations['sandbox.dev/stopped']).toBeUndefined();
    expect(w.record('alpha')?.status.phase).toBe('ready');
    expect(w.record('alpha')?.history.map((h) => `${h.action} ${h.outcome}`)).toEqual([
      'stop succeeded',
      'start succeeded',
    ]);
  });

  it('wakes what the reaper put to sleep outside working hours', async () => {
    const asleep = ALPHA.map((x) => (x.namespace === 'alpha' ? { ...x, replicas: 0 } : x));
    const { w, cluster } = setup({ workloads: asleep, state: { 'alpha.statefulset.postgresql': '3' } });
    expect((await w.run('instance', 'start', 'alpha')).code).toBe(0);
    expect(cluster().workloads.find((x) => x.name === 'postgresql')!.replicas).toBe(3);
  });

  it('says the platform is missing when the reaper ConfigMap is not there, and changes nothing', async () => {
    const { w, cluster } = setup({ workloads: ALPHA });
    const r = await w.run('instance', 'stop', 'alpha');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /ConfigMap sandbox-platform\/instance-reaper-state, where stopped replicas are kept, does not exist: apply the platform stack of cluster kind first/,
    );
    expect(cluster().workloads.map((x) => x.replicas)).toEqual([1, 2, 0, 3]);
  });

  it('names kubectl and doctor when kubectl is missing', async () => {
    const { w } = setup({ workloads: ALPHA, state: {} });
    w.env.SANDBOXKIT_KUBECTL = join(w.dir, 'no-such-kubectl');
    const r = await w.run('instance', 'stop', 'alpha');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /kubectl could not be started: install kubectl or set SANDBOXKIT_KUBECTL; `sandboxkit doctor`/,
    );
  });

  it('shows what it would scale on --dry-run, changing nothing', async () => {
    const { w, cluster } = setup({ workloads: ALPHA, state: {} });
    const r = await w.run('instance', 'stop', 'alpha', '--dry-run', '-o', 'json');
    expect(JSON.parse(r.out)).toMatchObject({
      action: 'would stop',
      workloads: [
        { kind: 'statefulset', name: 'postgresql', replicas: 0 },
        { kind: 'deployment', name: 'mock-email', replicas: 0 },
      ],
    });
    expect(cluster().workloads.map((x) => x.replicas)).toEqual([1, 2, 0, 3]);
    expect(w.record('alpha')).toBeUndefined();
  });

  it("reports kubectl's own error in one line and records the failure", async () => {
    const { w } = setup({ workloads: ALPHA, state: {} });
    // A workload that kubectl lists but that is gone when it is scaled.
    w.world((x) => x.workloads.push({ namespace: 'alpha', kind: 'Deployment', name: 'ghost', replicas: 1 }));
    const handlers = join(w.dir, 'kubectl-handlers.js');
    const refuse = String.raw`if (verb === 'scale' && what === 'deployment/ghost') fail('Error from server (NotFound): deployments.apps "ghost" not found\nE1123 12:00:00.000000 memcache.go:265] noise');`;
    writeFileSync(
      handlers,
      readFileSync(handlers, 'utf8').replace("if (verb === 'scale') {", `${refuse}\nif (verb === 'scale') {`),
    );
    const r = await w.run('instance', 'stop', 'alpha');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'sandboxkit: kubectl scale deployment/ghost -n alpha --replicas=0 failed: Error from server (NotFound): deployments.apps "ghost" not found\n',
    );
    expect(w.record('alpha')?.status).toMatchObject({ phase: 'failed', failure: { action: 'stop' } });
  });

  it('doctor checks kubectl and its version', async () => {
    const { w } = setup({ workloads: [], state: {} });
    const r = await w.run('doctor', '--json');
    expect(JSON.parse(r.out).checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ check: 'kubectl', status: 'ok', version: '1.34.1' })]),
    );
  });
});
