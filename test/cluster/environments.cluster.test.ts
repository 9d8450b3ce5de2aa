import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { buildStacks, configFromYaml, resources, synthJson, tempDir } from '../fixtures';
import { requireTool } from '../tools';
import { helmRun, kubectl, must } from './kubectl-as';
import { runReaperScript } from './reaper-run';

/*
 * Long-lived, shared and cross-cloud environments on a real API server (KUBECONFIG): the tenant-policies and
 * instance-reaper charts are installed with Helm under a label key of this run, so that they never touch another
 * suite's namespaces. Pods do not run here and NetworkPolicies are not enforced: the reaper script runs locally as
 * the reaper's service account, and the shared-block policies are asserted as the objects the API server holds.
 */

const ROOT = join(__dirname, '..', '..');
const RUN = `env${Date.now().toString(36)}`;
const LABEL = `${RUN}.sandbox.dev/instance`;
const PLATFORM_NS = `${RUN}-platform`;
const POLICIES = `policies-${RUN}`;
const REAPER = `reaper-${RUN}`;
/** Tenant policies of a cluster without allowTcpExposure, for their own label. */
const CLOSED = `closed-${RUN}`;
const REAPER_FULLNAME = `${REAPER}-instance-reaper`;
const REAPER_USER = `system:serviceaccount:${PLATFORM_NS}:${REAPER_FULLNAME}`;
const kubeconfig = process.env.KUBECONFIG;
const helm = requireTool('helm');

const create = (objects: object[]) =>
  kubectl(['create', '-f', '-', '-o', 'name'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
  });

/** Terraform's snake_case Kubernetes blocks as API objects; label maps keep their keys. */
function camel(value: unknown, key = ''): unknown {
  // A port number in Terraform's string form would read as a port name.
  if (key === 'ports')
    return (value as Record<string, unknown>[]).map((p) => ({
      ...p,
      port: /^\d+$/.test(String(p.port)) ? Number(p.port) : p.port,
    }));
  if (Array.isArray(value)) return value.map((v) => camel(v));
  if (typeof value !== 'object' || value === null) return value;
  if (key === 'match_labels' || key === 'labels') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), camel(v, k)]),
  );
}

const namespace = (suffix: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name: `${RUN}-${suffix}`,
    // Only this run's instance label: another suite's platform policies select on sandbox.dev/instance.
    labels: {
      [LABEL]: suffix,
      'app.kubernetes.io/managed-by': 'sandboxkit',
      'pod-security.kubernetes.io/enforce': 'restricted',
      ...labels,
    },
    annotations,
  },
});
const reaperBinding = (ns: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'sandbox-reaper', namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${REAPER_FULLNAME}-instance` },
  subjects: [{ kind: 'ServiceAccount', name: REAPER_FULLNAME, namespace: PLATFORM_NS }],
});
/** The reaper's own script, as the reaper's service account. */
const reapAs = (env: Record<string, string> = {}) =>
  runReaperScript({
    kubeconfig,
    user: REAPER_USER,
    label: LABEL,
    stateNamespace: PLATFORM_NS,
    stateConfigMap: `${REAPER_FULLNAME}-state`,
    env,
  });
const lbService = (ns: string, name: string, port: number, hostname?: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name,
    namespace: ns,
    ...(hostname ? { annotations: { 'external-dns.alpha.kubernetes.io/hostname': hostname } } : {}),
  },
  spec: {
    type: 'LoadBalancer',
    selector: { 'app.kubernetes.io/name': 'cockroachdb' },
    ports: [{ name: 'pool', port, targetPort: port }],
  },
});

beforeAll(() => {
  if (!kubeconfig)
    throw new Error('KUBECONFIG must name the cluster for this suite (run it with scripts/test-cluster.sh)');
  must(['create', 'namespace', PLATFORM_NS]);
  must([
    'label',
    'namespace',
    PLATFORM_NS,
    'sandbox.dev/platform=true',
    'pod-security.kubernetes.io/enforce=restricted',
  ]);
  helmRun([
    'install',
    POLICIES,
    join(ROOT, 'charts', 'tenant-policies'),
    '-n',
    PLATFORM_NS,
    '--set',
    'ingressDomain=env.test',
    '--set',
    `instanceLabel=${LABEL}`,
    '--set',
    'poolGrant.enabled=true',
    '--set',
    `deployer.clusterRoleName=${POLICIES}-deployer`,
    '--wait',
  ]);
  helmRun([
    'install',
    REAPER,
    join(ROOT, 'charts', 'instance-reaper'),
    '-n',
    PLATFORM_NS,
    '--set',
    `instanceLabel=${LABEL}`,
    '--wait',
  ]);
}, 300000);

afterAll(() => {
  for (const release of [REAPER, POLICIES, CLOSED])
    spawnSync(helm, ['uninstall', release, '-n', PLATFORM_NS, '--wait'], { env: process.env });
  const namespaces = kubectl(['get', 'namespaces', '-o', 'name'])
    .stdout.split('\n')
    .filter((n) => n.startsWith(`namespace/${RUN}-`));
  if (namespaces.length) kubectl(['delete', ...namespaces, '--ignore-not-found', '--wait=true', '--timeout=180s']);
  const left = kubectl(['get', 'namespaces', '-o', 'name'])
    .stdout.split('\n')
    .filter((n) => n.includes(RUN));
  if (left.length) throw new Error(`environments test left ${left.join(', ')} behind`);
}, 300000);

describe('protected instances', () => {
  it('survive a reaper run as its service account, while an expired one goes; the reaper cannot delete them directly', () => {
    const past = { 'sandbox.dev/expires-at': '2020-01-01T00:00:00Z' };
    must(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [namespace('kept', { 'sandbox.dev/protected': 'true' }, past), namespace('gone', {}, past)],
      }),
    });
    for (const ns of ['kept', 'gone'])
      must(['create', '-f', '-'], { input: JSON.stringify(reaperBinding(`${RUN}-${ns}`)) });

    // The API server takes a policy into its admission cache a moment after Helm created it: wait until a
    // server-side dry run is refused by the policy, then try the real delete.
    const dryRun = () => kubectl(['delete', 'namespace', `${RUN}-kept`, '--dry-run=server'], { as: REAPER_USER });
    for (let i = 0; i < 150 && !/not protected/.test(dryRun().stderr); i++) spawnSync('sleep', ['0.2']);
    const direct = kubectl(['delete', 'namespace', `${RUN}-kept`, '--wait=false'], { as: REAPER_USER });
    expect(direct.code).not.toBe(0);
    expect(direct.stderr).toMatch(/not protected|denied/);

    const run = reapAs();
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(new RegExp(`${RUN}-kept is protected, it does not expire`));
    expect(run.stdout).toMatch(new RegExp(`${RUN}-gone expired`));
    expect(JSON.parse(must(['get', 'namespace', `${RUN}-kept`, '-o', 'json'])).status.phase).toBe('Active');
    const gone = kubectl(['get', 'namespace', `${RUN}-gone`, '-o', 'json']);
    expect(gone.code !== 0 || JSON.parse(gone.stdout).status.phase === 'Terminating').toBe(true);
  });
});

describe('a hostile namespace before its victims', () => {
  // Working hours that are never inside: every workload of these namespaces is to sleep.
  const never = { 'sandbox.dev/working-hours': 'Mon-Sun 00:00-00:00 Etc/UTC' };
  const HOSTILE = 30;
  // An owner's workloads as large as etcd takes them: each Deployment holds ~1 MiB (annotations at their 256 KiB cap,
  // the rest in the pod template). Paused, so that the controller makes no ReplicaSets or Pods of them.
  const large = (kind: 'Deployment' | 'StatefulSet', i: number) => ({
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: `w${i}`, namespace: `${RUN}-aaa-hostile`, annotations: { a: 'x'.repeat(250 * 1024) } },
    spec: {
      replicas: kind === 'Deployment' ? 1 : 0,
      ...(kind === 'Deployment' ? { paused: true } : { serviceName: 'w' }),
      selector: { matchLabels: { app: `w${i}` } },
      template: {
        metadata: { labels: { app: `w${i}` } },
        spec: { containers: [{ name: 'c', image: 'registry.invalid/w:1', args: ['y'.repeat(750 * 1024)] }] },
      },
    },
  });
  const replicas = (ns: string, name: string) =>
    must(['get', 'deployment', name, '-n', `${RUN}-${ns}`, '-o', 'jsonpath={.spec.replicas}']);

  beforeAll(() => {
    must(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          namespace('aaa-hostile', {}, never),
          namespace('aab-broken', {}, never),
          namespace('victim', {}, never),
          namespace('victim-old', {}, { 'sandbox.dev/expires-at': '2020-01-01T00:00:00Z' }),
        ],
      }),
    });
    // The broken namespace never bound the reaper's role: every API call the reaper makes there is refused.
    for (const ns of ['aaa-hostile', 'victim', 'victim-old'])
      must(['create', '-f', '-'], { input: JSON.stringify(reaperBinding(`${RUN}-${ns}`)) });
    for (let i = 0; i < HOSTILE; i++)
      must(['create', '-f', '-', '-o', 'name'], {
        input: JSON.stringify(large(i % 5 ? 'Deployment' : 'StatefulSet', i)),
      });
    must(['create', 'deployment', 'web', '-n', `${RUN}-aab-broken`, '--image=registry.invalid/web:1', '--replicas=0']);
    must(['create', 'deployment', 'web', '-n', `${RUN}-victim`, '--image=registry.invalid/web:1', '--replicas=0']);
    must(['scale', 'deployment', 'web', '-n', `${RUN}-victim`, '--replicas=2']);
  }, 300000);

  // Gone before the next suites' runs, which expect a run without errors.
  afterAll(() => {
    kubectl([
      'delete',
      'namespace',
      ...['aaa-hostile', 'aab-broken', 'victim'].map((n) => `${RUN}-${n}`),
      '--wait=false',
    ]);
  });

  it('reaps the victims after many large workloads and a namespace it may not read, each kubectl within the Job memory', () => {
    const log = join(tempDir('reaper-memory-'), 'peak-kib');
    const run = runReaperScript({
      kubeconfig,
      user: REAPER_USER,
      label: LABEL,
      stateNamespace: PLATFORM_NS,
      stateConfigMap: `${REAPER_FULLNAME}-state`,
      peakMemoryLog: log,
      // Memory is what this test bounds; the time budget is the unit tests' (a stand-in API whose calls take a second),
      // and on a shared machine 30 workloads can take longer than the default 60 s.
      env: { NAMESPACE_SECONDS: '900' },
    });
    // The Job's memory limit is 128 Mi and kubectl's own start costs ~55 MiB: reading the ~30 MiB of workloads
    // whole took 367 MiB.
    const peaks = readFileSync(log, 'utf8').trim().split('\n').map(Number);
    expect(Math.max(...peaks)).toBeLessThan(96 * 1024);
    expect(peaks.length).toBeGreaterThan(2 * HOSTILE);
    expect(run.stderr).toMatch(
      new RegExp(`${RUN}-aab-broken: cannot list deployments: Error from server \\(Forbidden\\)`),
    );
    // One line per kind it may not list, then the count: Deployments, StatefulSets, and CloudNativePG Clusters when
    // the cluster serves the operator's API (another suite may have left its CRDs, which Helm never deletes).
    const cnpg =
      spawnSync('kubectl', ['get', '--raw', '/apis/postgresql.cnpg.io/v1'], { stdio: 'ignore' }).status === 0;
    const kinds = ['deployments', 'statefulsets', ...(cnpg ? ['CloudNativePG clusters'] : [])];
    expect(run.stderr.trim().split('\n')).toEqual([
      ...kinds.map((k) => expect.stringMatching(new RegExp(`^reaper: ERROR: ${RUN}-aab-broken: cannot list ${k}: `))),
      `reaper: ${kinds.length} problem(s), see the errors above`,
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${RUN}-victim-old expired`));
    expect(replicas('victim', 'web')).toBe('0');
    for (let i = 1; i < HOSTILE; i += 5)
      expect({ i, replicas: replicas('aaa-hostile', `w${i}`) }).toEqual({ i, replicas: '0' });
  }, 300000);
});

/**
 * A stand-in for the platform's Prometheus: the query API on 127.0.0.1, answering each namespace's request count
 * from `counts` (an empty result for a namespace it does not know) and logging every query.
 */
function fakePrometheus(counts: Record<string, number>, log: string): Promise<{ url: string; server: ChildProcess }> {
  const program = `
import json, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer
counts = json.loads(sys.argv[1])
class Api(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query).get('query', [''])[0]
        with open(sys.argv[2], 'a') as f:
            f.write(json.dumps({'path': url.path, 'query': query, 'time': urllib.parse.parse_qs(url.query).get('time', [''])[0]}) + '\\n')
        found = [ns for ns in counts if ('httproute/%s/' % ns) in query]
        result = [{'metric': {}, 'value': [0, str(counts[found[0]])]}] if found else []
        body = json.dumps({'status': 'success', 'data': {'resultType': 'vector', 'result': result}}, separators=(',', ':')).encode()
        self.send_response(200 if url.path == '/api/v1/query' else 404)
        self.send_header('Content-Type', 'application/json')
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = HTTPServer(('127.0.0.1', 0), Api)
print(server.server_address[1], flush=True)
server.serve_forever()
`;
  const server = spawn('python3', ['-c', program, JSON.stringify(counts), log], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('exit', (code) => reject(new Error(`the stand-in Prometheus exited with ${code}`)));
    server.stdout!.once('data', (port: Buffer) =>
      resolve({ url: `http://127.0.0.1:${port.toString().trim()}`, server }),
    );
  });
}

describe('idle instances', () => {
  const HOUR = 3600;
  let prometheus: { url: string; server: ChildProcess } | undefined;
  const log = join(tempDir('prometheus-'), 'queries.jsonl');
  // The reaper's clock two days ahead, so that namespaces created now have sat 48 hours.
  const later = Math.floor(Date.now() / 1000) + 48 * HOUR;
  const iso = (epoch: number) => new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const expires = { 'sandbox.dev/expires-at': iso(later + 100 * HOUR) };

  beforeAll(async () => {
    must(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          namespace('idle', {}, expires),
          namespace('busy', {}, expires),
          namespace('applied', {}, { ...expires, 'sandbox.dev/last-applied-at': iso(later - 2 * HOUR) }),
          namespace('kept-idle', { 'sandbox.dev/protected': 'true' }, {}),
          namespace(
            'short',
            {},
            { ...expires, 'sandbox.dev/idle-hours': '2', 'sandbox.dev/last-applied-at': iso(later - 3 * HOUR) },
          ),
          namespace('opted-out', {}, { ...expires, 'sandbox.dev/idle-hours': 'never' }),
        ],
      }),
    });
    for (const ns of ['idle', 'busy', 'applied', 'kept-idle', 'short', 'opted-out'])
      must(['create', '-f', '-'], { input: JSON.stringify(reaperBinding(`${RUN}-${ns}`)) });
    prometheus = await fakePrometheus(
      { [`${RUN}-idle`]: 0, [`${RUN}-busy`]: 5, [`${RUN}-kept-idle`]: 0, [`${RUN}-short`]: 0, [`${RUN}-opted-out`]: 0 },
      log,
    );
  }, 60000);

  afterAll(() => {
    prometheus?.server.kill();
  });

  const phase = (ns: string) => {
    const r = kubectl(['get', 'namespace', `${RUN}-${ns}`, '-o', 'json']);
    return r.code !== 0 ? 'Gone' : (JSON.parse(r.stdout).status.phase as string);
  };

  it('keeps every instance when Prometheus does not answer, and says so in a failed run', () => {
    const run = reapAs({ IDLE_HOURS: '24', PROMETHEUS_URL: 'http://127.0.0.1:9', REAPER_NOW: String(later) });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(
        `${RUN}-idle: no apply for 24h; Prometheus at http://127.0.0.1:9 did not answer: .*; not reaped as idle`,
      ),
    );
    expect(run.stdout).not.toMatch(/is idle/);
    for (const ns of ['idle', 'busy', 'applied', 'kept-idle', 'short', 'opted-out'])
      expect({ ns, phase: phase(ns) }).toEqual({ ns, phase: 'Active' });
  });

  it('deletes, as the reaper, the instances with no apply and no request for their idle hours, and keeps the others', () => {
    const run = reapAs({
      IDLE_HOURS: '24',
      PROMETHEUS_URL: prometheus!.url,
      PROXY_NAMESPACE: 'sandbox-gateway',
      PROXY_JOB: 'monitoring/envoy-gateway-proxies',
      REAPER_NOW: String(later),
    });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(new RegExp(`${RUN}-idle is idle: no apply since \\S+ and no request in the last 24h`));
    expect(run.stdout).toMatch(new RegExp(`${RUN}-busy is in use: 5 request\\(s\\) in the last 24h`));
    expect(run.stdout).toMatch(new RegExp(`${RUN}-short is idle: no apply since \\S+ and no request in the last 2h`));
    expect({ idle: phase('idle'), short: phase('short') }).toEqual({
      idle: expect.stringMatching(/Gone|Terminating/),
      short: expect.stringMatching(/Gone|Terminating/),
    });
    for (const ns of ['busy', 'applied', 'kept-idle', 'opted-out'])
      expect({ ns, phase: phase(ns) }).toEqual({ ns, phase: 'Active' });
    const queries = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(queries.map((q) => q.path)).toEqual(queries.map(() => '/api/v1/query'));
    const series = `envoy_cluster_upstream_rq_total{namespace="sandbox-gateway",job="monitoring/envoy-gateway-proxies",envoy_cluster_name=~"httproute/${RUN}-idle/.+"}`;
    expect(queries.find((q) => q.query.includes(`httproute/${RUN}-idle/`))).toMatchObject({
      query: `sum(increase(${series}[24h])) and on() count(${series} offset 24h)`,
      time: String(later),
    });
    // Applied two hours before, protected, or opted out: Prometheus is not even asked.
    for (const ns of ['applied', 'kept-idle', 'opted-out'])
      expect(queries.some((q) => q.query.includes(`httproute/${RUN}-${ns}/`))).toBe(false);
  });
});

describe('TCP exposure of an instance group member', () => {
  const hostname = `member.pool.${RUN}.example.org`;

  beforeAll(() => {
    must(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          namespace('member', { 'sandbox.dev/expose-tcp-port': '26257' }, { 'sandbox.dev/pool-hostname': hostname }),
          namespace('plain'),
        ],
      }),
    });
  });

  it('admits exactly the granted Service: the fixed name, the granted port, the member hostname', () => {
    const ns = `${RUN}-member`;
    expect(create([lbService(ns, 'sandbox-pool-member', 26257, hostname)])).toMatchObject({ code: 0, stderr: '' });
    const denied = [
      lbService(ns, 'another-lb', 26257),
      lbService(ns, 'sandbox-pool-member-2', 26257, hostname),
      { ...lbService(ns, 'sandbox-pool-member', 80), metadata: { name: 'sandbox-pool-member', namespace: ns } },
    ];
    for (const service of denied) {
      const r = kubectl(['create', '-f', '-', '--dry-run=server'], { input: JSON.stringify(service) });
      expect({ name: service.metadata.name, code: r.code }).toEqual({ name: service.metadata.name, code: 1 });
    }
    const otherName = kubectl(['create', '-f', '-', '--dry-run=server'], {
      input: JSON.stringify({
        ...lbService(ns, 'x', 26257, 'elsewhere.example.org'),
        metadata: {
          name: 'sandbox-pool-member',
          namespace: ns,
          annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'elsewhere.example.org' },
        },
      }),
    });
    expect(otherName.stderr).toMatch(/external-dns/);
  });

  it('refuses even the granted Service where the cluster does not allow TCP exposure (the chart default)', () => {
    const closedLabel = `${RUN}-closed.sandbox.dev/instance`;
    helmRun([
      'install',
      CLOSED,
      join(ROOT, 'charts', 'tenant-policies'),
      '-n',
      PLATFORM_NS,
      '--set',
      'ingressDomain=env.test',
      '--set',
      `instanceLabel=${closedLabel}`,
      '--set',
      `deployer.clusterRoleName=${CLOSED}-deployer`,
      '--wait',
    ]);
    const ns = namespace(
      'closed',
      { 'sandbox.dev/expose-tcp-port': '26257' },
      { 'sandbox.dev/pool-hostname': hostname },
    );
    must(['create', '-f', '-'], {
      input: JSON.stringify({
        ...ns,
        metadata: { ...ns.metadata, labels: { [closedLabel]: 'closed', 'sandbox.dev/expose-tcp-port': '26257' } },
      }),
    });
    // A policy's first evaluation waits for the API server to compile it.
    let r = kubectl(['create', '-f', '-', '--dry-run=server'], {
      input: JSON.stringify(lbService(`${RUN}-closed`, 'sandbox-pool-member', 26257, hostname)),
    });
    for (let i = 0; i < 50 && r.code === 0; i++) {
      spawnSync('sleep', ['0.2']);
      r = kubectl(['create', '-f', '-', '--dry-run=server'], {
        input: JSON.stringify(lbService(`${RUN}-closed`, 'sandbox-pool-member', 26257, hostname)),
      });
    }
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/must be of type ClusterIP/);
  });

  it('refuses the same Service in a namespace without the grant', () => {
    const r = kubectl(['create', '-f', '-', '--dry-run=server'], {
      input: JSON.stringify(lbService(`${RUN}-plain`, 'sandbox-pool-member', 26257)),
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/must be of type ClusterIP/);
  });
});

describe('shared blocks', () => {
  it('hold the policies that admit exactly the instance namespaces that declare the block', () => {
    const block = `kafka${RUN.slice(-4)}`;
    const config = configFromYaml(
      `
clusters:
  - name: kind
    cloud: existing
    connection: { kind: env }
    storageClasses: { blockRwo: standard }
catalog:
  - name: ${block}
    labels: { kind: kafka, version: 1.0.0 }
    chart: { repository: https://charts.example.org, name: kafka, version: 1.0.0 }
    resources: { cpu: 100m, memory: 128Mi }
    images: []
instances:
  - { name: user, cluster: kind, owner: dev, blocks: [postgresql], uses: [${block}] }
  - { name: outsider, cluster: kind, owner: dev, blocks: [postgresql] }
`.replace(
        '    storageClasses: { blockRwo: standard }\n',
        `    storageClasses: { blockRwo: standard }\n    sharedBlocks: [${block}]\n`,
      ),
    );
    const stacks = buildStacks(config);
    const shared = synthJson(stacks.shared.get('shared-kind')!);
    const user = synthJson(stacks.instances.get('instance-user')!);
    const outsider = synthJson(stacks.instances.get('instance-outsider')!);
    const nsLabels = (json: any) => {
      const { 'sandbox.dev/instance': _, ...labels } = (
        Object.values(resources(json, 'kubernetes_namespace_v1'))[0] as any
      ).metadata.labels;
      return labels;
    };
    const sharedNs = `shared-${block}`;
    const policies = (json: any, ns: string) =>
      (Object.values(resources(json, 'kubernetes_network_policy_v1')) as any[]).map((p) => ({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: p.metadata.name, namespace: ns },
        spec: camel(p.spec),
      }));

    const userNs = `${RUN}-user`;
    const outsiderNs = `${RUN}-outsider`;
    must(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: {
              name: sharedNs,
              labels: {
                ...(Object.values(resources(shared, 'kubernetes_namespace_v1'))[0] as any).metadata.labels,
                [`${RUN}`]: 'shared',
              },
            },
          },
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: userNs, labels: { ...nsLabels(user), [LABEL]: 'user' } },
          },
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: outsiderNs, labels: { ...nsLabels(outsider), [LABEL]: 'outsider' } },
          },
        ],
      }),
    });
    try {
      expect(
        create([...policies(shared, sharedNs), ...policies(user, userNs), ...policies(outsider, outsiderNs)]),
      ).toMatchObject({ code: 0, stderr: '' });
      const admit = JSON.parse(must(['get', 'networkpolicy', 'allow-declared-users', '-n', sharedNs, '-o', 'json']))
        .spec.ingress[0].from[0].namespaceSelector;
      const selected = JSON.parse(
        must([
          'get',
          'namespaces',
          '-l',
          Object.entries(admit.matchLabels)
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
          '-o',
          'json',
        ]),
      ).items.map((n: any) => n.metadata.name);
      expect(selected.filter((n: string) => n.startsWith(RUN))).toEqual([userNs]);
      expect(kubectl(['get', 'networkpolicy', 'allow-egress-to-shared-blocks', '-n', userNs]).code).toBe(0);
      expect(kubectl(['get', 'networkpolicy', 'allow-egress-to-shared-blocks', '-n', outsiderNs]).code).not.toBe(0);
      const egress = JSON.parse(
        must(['get', 'networkpolicy', 'allow-egress-to-shared-blocks', '-n', userNs, '-o', 'json']),
      ).spec.egress[0].to;
      expect(egress).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': sharedNs } } }]);
    } finally {
      kubectl(['delete', 'namespace', sharedNs, '--wait=false']);
    }
  });
});
