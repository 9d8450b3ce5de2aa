import { writeFileSync } from 'fs';
import { join } from 'path';
import { CLI_CONFIG, Workspace } from './stand-in';

/** What the stand-in kubectl answers from and changes: workloads, the reaper's ConfigMap, namespace annotations. */
interface FakeCluster {
  workloads: { namespace: string; kind: 'Deployment' | 'StatefulSet'; name: string; replicas: number }[];
  /** The reaper's state ConfigMap data; absent when the platform is not installed. */
  state?: Record<string, string>;
  annotations: Record<string, Record<string, string>>;
  /** CloudNativePG Clusters, with their annotations. */
  databases?: { namespace: string; name: string; annotations: Record<string, string> }[];
  calls: string[];
}

/** The kubectl stand-in's answers: version, workloads, the reaper's ConfigMap, patch, annotate, scale. */
const KUBECTL = `const [verb, what, name] = args;
if (verb === 'version') { console.log(JSON.stringify({ clientVersion: { gitVersion: 'v1.34.1' } })); process.exit(0); }
if (verb === 'get' && what === 'deployments,statefulsets') {
  console.log(JSON.stringify({ items: c.workloads.filter((w) => w.namespace === flag('-n')).map((w) => ({ kind: w.kind, metadata: { name: w.name }, spec: { replicas: w.replicas } })) }));
} else if (verb === 'get' && what === 'configmap') {
  if (!c.state) { save(); process.stderr.write('Error from server (NotFound): configmaps "' + name + '" not found\\n'); process.exit(1); }
  console.log(JSON.stringify({ data: c.state }));
} else if (verb === 'patch') {
  const p = JSON.parse(flag('-p'));
  if (flag('--type') === 'merge') Object.assign(c.state, p.data);
  else for (const op of p) delete c.state[op.path.replace('/data/', '')];
} else if (verb === 'get' && what === 'clusters.postgresql.cnpg.io') {
  console.log(JSON.stringify({ items: (c.databases || []).filter((d) => d.namespace === flag('-n')).map((d) => ({ metadata: { name: d.name, annotations: d.annotations } })) }));
} else if (verb === 'annotate' && what === 'clusters.postgresql.cnpg.io') {
  const d = c.databases.find((x) => x.namespace === flag('-n') && x.name === name);
  const a = args[args.length - 1];
  if (a.endsWith('-')) delete d.annotations[a.slice(0, -1)]; else { const [k, v] = a.split('='); d.annotations[k] = v; }
} else if (verb === 'annotate') {
  const ns = name; const a = args[args.indexOf('--overwrite') >= 0 ? args.indexOf('--overwrite') + 1 : 3];
  c.annotations[ns] = c.annotations[ns] || {};
  if (a.endsWith('-')) delete c.annotations[ns][a.slice(0, -1)]; else { const [k, v] = a.split('='); c.annotations[ns][k] = v; }
} else if (verb === 'scale') {
  const [kind, wname] = what.split('/');
  const w = c.workloads.find((x) => x.namespace === flag('-n') && x.kind.toLowerCase() === kind && x.name === wname);
  w.replicas = Number(args.find((x) => x.startsWith('--replicas=')).split('=')[1]);
}`;

function setup(cluster: Omit<FakeCluster, 'calls' | 'annotations'>): { w: Workspace; cluster: () => FakeCluster } {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')));
  return { w, cluster: w.kubectlCluster({ annotations: {}, ...cluster }, KUBECTL) as () => FakeCluster };
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
    expect(c.annotations.alpha).toEqual({ 'sandbox.dev/stopped': '2026-11-23T12:00:00.000Z' });
    // Saved before any scale, so a failure part way loses no replica count.
    const firstScale = c.calls.findIndex((x) => / scale /.test(x));
    const save = c.calls.findIndex((x) =>
      / patch configmap instance-reaper-state -n sandbox-platform --type merge /.test(x),
    );
    expect(save).toBeGreaterThan(-1);
    expect(save).toBeLessThan(firstScale);
    expect(JSON.parse(r.out)).toMatchObject({ instance: 'alpha', namespace: 'alpha', action: 'stopped' });
  });

  it('hibernates the CloudNativePG clusters of the instance, remembering them, and wakes them on start', async () => {
    const databases = [
      { namespace: 'alpha', name: 'postgresql', annotations: {} },
      { namespace: 'alpha', name: 'archive', annotations: { 'cnpg.io/hibernation': 'on' } },
      { namespace: 'other', name: 'postgresql', annotations: {} },
    ];
    const { w, cluster } = setup({ workloads: ALPHA, state: {}, databases } as never);
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
    const save = c.calls.findIndex((x) => /alpha\.cluster\.postgresql/.test(x));
    const annotate = c.calls.findIndex((x) => / annotate clusters\.postgresql\.cnpg\.io postgresql /.test(x));
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
    const { w, cluster } = setup({ workloads: ALPHA, state: {} });
    await w.run('instance', 'stop', 'alpha');
    for (const call of cluster().calls)
      expect(call).toMatch(new RegExp(`^--kubeconfig ${join(w.dir, 'kubeconfig')} --context kind-kind `));
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
    expect(c.annotations.alpha).toEqual({ 'sandbox.dev/last-applied-at': '2026-11-23T12:00:00Z' });
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

  it('doctor checks kubectl and its version', async () => {
    const { w } = setup({ workloads: [], state: {} });
    const r = await w.run('doctor', '--json');
    expect(JSON.parse(r.out).checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ check: 'kubectl', status: 'ok', version: '1.34.1' })]),
    );
  });
});
