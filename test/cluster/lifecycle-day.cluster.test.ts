import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse, stringify } from 'yaml';
import {
  chartMirror,
  exec,
  items,
  kubectl,
  kubectlJson,
  must,
  suiteCluster,
  suiteWorkspace,
  terraform,
  TEST_CLUSTER,
  waitFor,
  type Result,
} from './kube';

/**
 * A day of one instance, through the command line only, on a real API server: apply -f, status with URLs, an
 * update of one field, stop and start, extend, an audit before and after a change made outside, destroy; and a
 * create that fails, which gc removes. Every phase the CLI reports is checked against what the cluster says.
 * With SANDBOXKIT_TRANSCRIPT set to a folder, each command's output is written there (docs/cli.md quotes it).
 */
const { work, configFile, stackDir, cli, synth } = suiteWorkspace('sandboxkit-day-');
const CLUSTER = 'day';
const DOMAIN = 'sandbox.test';
const NAME = 'day';
const STUCK = 'day-stuck';
const OWNER = 'dana@example.org';
const SPEC = join(work, 'day.yaml');
const transcript = process.env.SANDBOXKIT_TRANSCRIPT;

/** Runs the CLI; with a transcript folder, writes the command and its output there as a user saw them. */
function sandboxkit(...args: string[]): Result {
  const r = cli(...args);
  if (transcript) {
    mkdirSync(transcript, { recursive: true });
    const shown = args.map((a) => (a === SPEC ? 'day.yaml' : a)).join(' ');
    const file = join(transcript, `${String(Date.now()).slice(-9)}-${args.slice(0, 2).join('-')}.txt`);
    writeFileSync(file, `$ sandboxkit ${shown}\n${r.stdout}${r.stderr ? `${r.stderr}` : ''}exit ${r.code}\n`);
  }
  return r;
}
const ok = (r: Result) => ({ code: r.code, err: r.code ? `${r.stdout}\n${r.stderr}`.slice(-3000) : '' });
const status = () => JSON.parse(sandboxkit('instance', 'status', NAME, '-o', 'json').stdout).status;
const listed = () =>
  Object.fromEntries(JSON.parse(cli('instance', 'list', '-A', '-o', 'json').stdout).map((r: any) => [r.name, r.phase]));
const annotations = (ns: string) => kubectlJson('get', 'namespace', ns).metadata.annotations ?? {};
/** Pods that should run in a namespace, and how many are ready, as the API server says. */
function pods(ns: string): { ready: number; total: number } {
  const running = items('pods', '-n', ns).filter((p) => !['Succeeded', 'Failed'].includes(p.status.phase));
  return {
    total: running.length,
    ready: running.filter((p) => p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'))
      .length,
  };
}
const helmReleases = (ns: string) =>
  Object.fromEntries(
    JSON.parse(must('helm', ['list', '-n', ns, '-a', '-o', 'json'])).map((r: any) => [r.name, r.status]),
  );
const replicas = (ns: string) =>
  [...items('deployments', '-n', ns), ...items('statefulsets', '-n', ns)].map((w) => w.spec.replicas);

describe(`a day of one instance through the command line (${TEST_CLUSTER})`, () => {
  beforeAll(() => {
    writeFileSync(
      configFile,
      stringify({
        state: { backend: 'local', directory: 'state' },
        clusters: [{ ...suiteCluster(CLUSTER, DOMAIN), platform: { chartMirror: chartMirror() } }],
      }),
    );
    writeFileSync(
      SPEC,
      stringify({
        name: NAME,
        owner: OWNER,
        blocks: ['postgresql', 'keycloak', 'valkey'],
        mocks: ['email'],
        ttlHours: 4,
      }),
    );
    synth();
    terraform(stackDir(`platform-${CLUSTER}`), 'init', '-input=false', '-no-color');
    terraform(stackDir(`platform-${CLUSTER}`), 'apply', '-auto-approve', '-input=false', '-no-color');
  });

  afterAll(() => {
    for (const name of [NAME, STUCK]) cli('instance', 'destroy', name, '--yes');
    terraform(stackDir(`platform-${CLUSTER}`), 'destroy', '-auto-approve', '-input=false', '-no-color');
  });

  it('leaves no install hook of Envoy Gateway behind once the platform is applied', () => {
    expect(exec('kubectl', ['get', 'job,serviceaccount', '-n', 'sandbox-gateway', '-o', 'name']).stdout).not.toMatch(
      /certgen/,
    );
    expect(exec('kubectl', ['get', 'mutatingwebhookconfigurations', '-o', 'name']).stdout).not.toMatch(/envoy-gateway/);
  });

  it('creates the instance from a spec file, prints the URL of its routed block, and records it ready', () => {
    const r = sandboxkit('instance', 'apply', '-f', SPEC);
    expect(ok(r)).toEqual({ code: 0, err: '' });
    expect(r.stdout).toMatch(new RegExp(`^created instance ${NAME} on ${CLUSTER}: ready$`, 'm'));
    expect(r.stdout).toContain(`https://keycloak.${NAME}.${DOMAIN}`);
    expect(listed()[NAME]).toBe('ready');
    expect(annotations(NAME)['sandbox.dev/expires-at']).toMatch(/^\d{4}-/);
  });

  it('reports in status what the cluster says: releases, pods ready of total, the URL, expiry and owner', () => {
    const s = status();
    expect(s).toMatchObject({
      phase: 'ready',
      owner: OWNER,
      observed: 'yes',
      urls: [{ block: 'keycloak', url: `https://keycloak.${NAME}.${DOMAIN}` }],
      expiresAt: annotations(NAME)['sandbox.dev/expires-at'],
    });
    expect(Object.fromEntries(s.releases.map((r: any) => [r.name, r.status]))).toEqual(helmReleases(NAME));
    expect(s.pods).toMatchObject(pods(NAME));
    expect(s.pods.ready).toBe(s.pods.total);
    expect(sandboxkit('instance', 'status', NAME).code).toBe(0);
    const doc = parse(sandboxkit('instance', 'get', NAME, '-o', 'yaml').stdout);
    expect(doc.spec).toMatchObject({ name: NAME, owner: OWNER, ttlHours: 4 });
  });

  it('finds the stack it just applied in sync with the code', () => {
    expect(ok(sandboxkit('audit', `instance-${NAME}`))).toEqual({ code: 0, err: '' });
  });

  it('refuses values beyond the guardrails before planning, naming the block and the LimitRange', () => {
    const before = helmReleases(NAME);
    const r = sandboxkit('instance', 'create', NAME, '--update', '--set', 'valkey.resources.limits.cpu=16');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /block "valkey": .* asks limits\.cpu 16; the instance's LimitRange allows at most 4 CPU per container/,
    );
    expect(helmReleases(NAME)).toEqual(before);
  });

  it('updates one field, keeping every other, and the cluster has the new value', () => {
    const r = sandboxkit('instance', 'create', NAME, '--update', '--set', 'valkey.resources.requests.cpu=150m');
    expect(ok(r)).toEqual({ code: 0, err: '' });
    expect(r.stdout).toMatch(/^ {2}changed: +blocks$/m);
    const valkey = items('deployments,statefulsets', '-n', NAME).find((w) => w.metadata.name === 'valkey');
    expect(valkey.spec.template.spec.containers[0].resources.requests.cpu).toBe('150m');
    const s = status();
    expect(s.phase).toBe('ready');
    expect(s.history.map((h: any) => `${h.action} ${h.outcome}`)).toEqual(['create succeeded', 'update succeeded']);
    expect(JSON.parse(cli('instance', 'get', NAME, '-o', 'json').stdout).spec).toMatchObject({
      owner: OWNER,
      ttlHours: 4,
      mocks: ['email'],
    });
  });

  it('stops the instance: every workload at zero, no pod left, the phase stopped', async () => {
    const r = sandboxkit('instance', 'stop', NAME, '--wait', '--timeout', '3m');
    expect(ok(r)).toEqual({ code: 0, err: '' });
    expect(replicas(NAME).every((n) => n === 0)).toBe(true);
    expect(pods(NAME).total).toBe(0);
    expect(annotations(NAME)['sandbox.dev/stopped']).toBeDefined();
    expect(status().phase).toBe('stopped');
    expect(listed()[NAME]).toBe('stopped');
  });

  it('starts it again: the replicas it had, every pod ready, the phase ready', () => {
    const r = sandboxkit('instance', 'start', NAME, '--wait', '--timeout', '3m');
    expect(ok(r)).toEqual({ code: 0, err: '' });
    expect(replicas(NAME).every((n) => n > 0)).toBe(true);
    const p = pods(NAME);
    expect(p.ready).toBe(p.total);
    expect(annotations(NAME)['sandbox.dev/stopped']).toBeUndefined();
    expect(status().phase).toBe('ready');
  });

  it('extends the expiry: the namespace says the new one, and so does status', () => {
    const before = Date.parse(annotations(NAME)['sandbox.dev/expires-at']);
    expect(ok(sandboxkit('instance', 'extend', NAME, '--ttl', '8h'))).toEqual({ code: 0, err: '' });
    const after = annotations(NAME)['sandbox.dev/expires-at'];
    expect(Date.parse(after)).toBeGreaterThan(before + 3 * 3600_000);
    expect(status().expiresAt).toBe(after);
  });

  it('audits a change made outside the code plainly, and finds the stack in sync again once it is applied', () => {
    expect(ok(sandboxkit('audit', `instance-${NAME}`))).toEqual({ code: 0, err: '' });
    kubectl(
      'patch',
      'resourcequota',
      'sandbox-quota',
      '-n',
      NAME,
      '--type',
      'merge',
      '-p',
      '{"spec":{"hard":{"pods":"999"}}}',
    );
    const drift = sandboxkit('audit', `instance-${NAME}`);
    expect(drift.code).toBe(3);
    expect(drift.stdout).toMatch(
      /changed outside: kubernetes_resource_quota_v1\.\S+ \(the next apply would update it\)\n {4}spec\[0\]\.hard\.pods: "40" -> "999"/,
    );
    expect(ok(sandboxkit('instance', 'apply', '-f', SPEC))).toEqual({ code: 0, err: '' });
    expect(kubectlJson('get', 'resourcequota', 'sandbox-quota', '-n', NAME).spec.hard.pods).toBe('40');
    expect(ok(cli('audit', `instance-${NAME}`))).toEqual({ code: 0, err: '' });
  });

  it("records a create that fails as failed, with the namespace's warning events; extend refuses it; gc removes it", async () => {
    const r = sandboxkit(
      'instance',
      'create',
      STUCK,
      '--blocks',
      'valkey',
      '--set',
      'valkey.nodeSelector.sandboxkit\\.test/zone=nowhere',
      '--timeout',
      '45s',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stopped after .*: --timeout passed/);
    expect(r.stderr).toMatch(
      /Warning events in namespace day-stuck, latest last:\n {2}Pod\/valkey-\S+ FailedScheduling.*node affinity\/selector/,
    );
    expect(listed()[STUCK]).toBe('failed');
    const extend = sandboxkit('instance', 'extend', STUCK, '--ttl', '8h');
    expect(extend.code).toBe(1);
    expect(extend.stderr).toMatch(
      /is failed: its create did not finish .*\(`sandboxkit gc` removes failed creates too\)/,
    );
    expect(sandboxkit('gc', '--dry-run').stdout).toBe(`${STUCK}: would destroy (create failed)\n`);
    expect(ok(sandboxkit('gc'))).toEqual({ code: 0, err: '' });
    await waitFor(`namespace ${STUCK} to be gone`, 300, () => exec('kubectl', ['get', 'namespace', STUCK]).code !== 0);
    expect(listed()[STUCK]).toBe('gone');
    expect(listed()[NAME]).toBe('ready');
  });

  it('destroys the instance with --yes: nothing left of it, its record gone with its history', async () => {
    const r = sandboxkit('instance', 'destroy', NAME, '--yes', '--wait', '--timeout', '5m');
    expect(ok(r)).toEqual({ code: 0, err: '' });
    expect(exec('kubectl', ['get', 'namespace', NAME]).code).not.toBe(0);
    expect(
      exec('kubectl', [
        'get',
        'serviceaccounts',
        '-n',
        'sandbox-deployers',
        '-l',
        `sandbox.dev/instance-namespace=${NAME}`,
        '-o',
        'name',
      ]).stdout.trim(),
    ).toBe('');
    expect(listed()[NAME]).toBe('gone');
    expect(cli('instance', 'get', NAME).code).toBe(1);
    const history = JSON.parse(cli('instance', 'list', '-A', '-o', 'json').stdout);
    expect(history.find((x: any) => x.name === NAME).phase).toBe('gone');
  });
});
