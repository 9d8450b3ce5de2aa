import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse, stringify } from 'yaml';
import { exists, items, kubectlJson, must, ROOT, suiteCluster, suiteWorkspace, terraform, TEST_CLUSTER } from './kube';

/**
 * LambdaStack's offline install: a bundle built from the chart mirror folder with `sandboxkit bundle`, then the
 * platform and an instance (built from an environment template) deployed with `platform.chartMirror` pointing at
 * that bundle alone; then the instance
 * stopped (every workload at zero, its volumes still bound) and started again with the CLI.
 */
const { work, configFile, stackDir, cli, synth, destroyLeftovers } = suiteWorkspace('sandboxkit-offline-');
const bundleDir = join(work, 'bundle');
const SOURCE = process.env.SANDBOXKIT_CHARTS_MIRROR ?? join(ROOT, '..', 'shared', 'charts-mirror');
const CLUSTER = 'ebx';
const INSTANCE = 'ebx-offline';

function writeConfig(chartMirror?: string): void {
  writeFileSync(
    configFile,
    stringify({
      state: { backend: 'local', directory: 'state' },
      clusters: [
        {
          ...suiteCluster(CLUSTER, 'offline.test'),
          platform: chartMirror ? { chartMirror } : {},
        },
      ],
      // The instance extends a template: the stacks see the resolved blocks and mocks.
      templates: [
        {
          name: 'lean',
          blocks: ['valkey', 'mysql', 'keycloak'],
          mocks: ['email'],
          ttlHours: 4,
          values: { valkey: { dataStorage: { requestedSize: '1Gi' } } },
        },
      ],
      instances: [
        { name: INSTANCE, cluster: CLUSTER, owner: 'lambda@example.org', template: 'lean', removeBlocks: ['keycloak'] },
      ],
    }),
  );
}

function apply(stack: string): void {
  terraform(stackDir(stack), 'init', '-input=false', '-no-color');
  terraform(stackDir(stack), 'apply', '-auto-approve', '-input=false', '-no-color');
}

const replicas = () =>
  [
    ...items('deployments', '-n', INSTANCE).map((d) => [`deployment/${d.metadata.name}`, d.spec.replicas]),
    ...items('statefulsets', '-n', INSTANCE).map((s) => [`statefulset/${s.metadata.name}`, s.spec.replicas]),
  ].sort() as [string, number][];

describe(`offline bundle, stop and start on a real API server (${TEST_CLUSTER})`, () => {
  let running: [string, number][] = [];

  afterAll(() => {
    destroyLeftovers(`instance-${INSTANCE}`, `platform-${CLUSTER}`);
  });

  it('bundles every chart of the platform and the instance from the mirror folder into a Helm repository', () => {
    writeConfig();
    const r = cli('bundle', bundleDir, '--cluster', CLUSTER, '--from', SOURCE);
    expect({ code: r.code, err: r.code ? r.stdout + r.stderr : '' }).toEqual({ code: 0, err: '' });
    const index = parse(readFileSync(join(bundleDir, 'index.yaml'), 'utf8'));
    expect(Object.keys(index.entries)).toEqual(
      expect.arrayContaining(['cert-manager', 'cloudnative-pg', 'gateway-helm', 'valkey']),
    );
    expect(parse(must('helm', ['show', 'chart', join(bundleDir, index.entries.valkey[0].urls[0])]))).toMatchObject({
      name: 'valkey',
      version: index.entries.valkey[0].version,
    });
  });

  it('applies the platform and the instance from the bundle alone', () => {
    writeConfig('./bundle');
    synth();
    for (const stack of [`platform-${CLUSTER}`, `instance-${INSTANCE}`]) {
      const releases = Object.values<any>(
        JSON.parse(readFileSync(join(stackDir(stack), 'cdk.tf.json'), 'utf8')).resource.helm_release,
      );
      for (const r of releases)
        expect({ chart: r.chart, repository: r.repository }).toEqual({
          chart: expect.not.stringMatching(/^https?:|^oci:/),
          repository: undefined,
        });
    }
    apply(`platform-${CLUSTER}`);
    apply(`instance-${INSTANCE}`);
    const deployed = JSON.parse(must('helm', ['list', '-n', INSTANCE, '-o', 'json'])).map((r: any) => [
      r.name,
      r.status,
    ]);
    expect(deployed).toEqual(
      expect.arrayContaining([
        ['valkey', 'deployed'],
        ['mysql', 'deployed'],
        ['mock-email', 'deployed'],
      ]),
    );
    // From the template: valkey's claim has the size the template's values give it.
    expect(items('pvc', '-n', INSTANCE).map((c) => c.spec.resources.requests.storage)).toContain('1Gi');
    expect(deployed.map(([n]: [string]) => n)).not.toContain('keycloak');
    running = replicas();
    expect(running.filter(([, n]) => n > 0).length).toBeGreaterThan(1);
  });

  it('stops the instance: every Deployment and StatefulSet at zero, its claims still Bound, its Secrets kept', () => {
    const secrets = items('secrets', '-n', INSTANCE)
      .map((s) => s.metadata.name)
      .sort();
    const r = cli('instance', 'stop', INSTANCE);
    expect({ code: r.code, err: r.code ? r.stdout + r.stderr : '' }).toEqual({ code: 0, err: '' });
    expect(replicas().map(([w, n]) => [w, n])).toEqual(running.map(([w]) => [w, 0]));
    const claims = items('pvc', '-n', INSTANCE);
    expect(claims.length).toBeGreaterThan(0);
    for (const c of claims)
      expect({ claim: c.metadata.name, phase: c.status.phase }).toEqual({ claim: c.metadata.name, phase: 'Bound' });
    expect(
      items('secrets', '-n', INSTANCE)
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(secrets);
    const saved = kubectlJson('get', 'configmap', 'instance-reaper-state', '-n', 'sandbox-platform').data;
    for (const [w, n] of running.filter(([, n]) => n > 0))
      expect(saved[`${INSTANCE}.${w.replace('/', '.')}`]).toBe(String(n));
    expect(kubectlJson('get', 'namespace', INSTANCE).metadata.annotations['sandbox.dev/stopped']).toMatch(
      /^\d{4}-\d\d-\d\dT/,
    );
  });

  it('starts the instance again at the replicas it had, and forgets them', () => {
    const r = cli('instance', 'start', INSTANCE);
    expect({ code: r.code, err: r.code ? r.stdout + r.stderr : '' }).toEqual({ code: 0, err: '' });
    expect(replicas()).toEqual(running);
    const saved = kubectlJson('get', 'configmap', 'instance-reaper-state', '-n', 'sandbox-platform').data ?? {};
    expect(Object.keys(saved).filter((k) => k.startsWith(`${INSTANCE}.`))).toEqual([]);
    expect(kubectlJson('get', 'namespace', INSTANCE).metadata.annotations?.['sandbox.dev/stopped']).toBeUndefined();
  });

  it('destroys the instance and the platform', () => {
    terraform(stackDir(`instance-${INSTANCE}`), 'destroy', '-auto-approve', '-input=false', '-no-color');
    terraform(stackDir(`platform-${CLUSTER}`), 'destroy', '-auto-approve', '-input=false', '-no-color');
    expect(exists('namespace', INSTANCE) ? kubectlJson('get', 'namespace', INSTANCE).status.phase : 'gone').toMatch(
      /gone|Terminating/,
    );
  });
});
