import { chmodSync, existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { OWNER_RULES } from '../../constructs/instance/owner-access';
import {
  canI,
  chartMirror,
  exec,
  execAll,
  exists,
  items,
  kubectl,
  kubectlJson,
  must,
  ROOT,
  suiteCluster,
  suiteWorkspace,
  tempDir,
  terraform,
  TEST_CLUSTER,
} from './kube';

/**
 * The user's path on a real API server: the platform of an `existing` cluster and two instances
 * at once (one with `terraform apply` of a synthesized stack, one with `sandboxkit instance create`),
 * charts from the mirror; then what a user would check with kubectl, the lifecycle commands, the
 * reaper, and destroy to zero leftovers.
 */
const { work, configFile, outdir, stackDir, cli, synth, destroyLeftovers } = suiteWorkspace('sandboxkit-cluster-');
const CLUSTER = 'ct';
const ALL = 'ct-all';
const CLI_INSTANCE = 'ct-cli';
const OWNER = 'alice@example.org';
const CLI_OWNER = 'bob@example.org';
const stackJson = (stack: string) => JSON.parse(readFileSync(join(stackDir(stack), 'cdk.tf.json'), 'utf8'));

/**
 * One dataset per block: one that ships its data inline where the block has one, else one that
 * downloads (no container runs on kwok nodes, so nothing is fetched), so that every format is seeded.
 */
const inlineDatasets = BUILTIN_CATALOG.flatMap((e) => {
  const all = Object.entries(e.datasets ?? {});
  const chosen = all.find(([, d]) => 'configMap' in d.source) ?? all[0];
  if (!chosen) return [];
  const [variant, d] = chosen;
  return [
    {
      block: e.name,
      variant,
      format: d.format,
      engine: Object.keys(e.labels).find((l) => /^provides-(postgresql|mysql|mongodb)$/.test(l)),
    },
  ];
});

/** A block of the config's own catalog that lowers Pod Security, with its reason: the valkey entry under another name. */
const LOWERED = {
  ...BUILTIN_CATALOG.find((e) => e.name === 'valkey')!,
  name: 'legacy-cache',
  podSecurity: { level: 'baseline' as const, reason: 'the legacy image changes the owner of its volume at start' },
};

function writeConfig(): void {
  const config = {
    // Relative to the folder that holds cdktf.out: `work`.
    state: { backend: 'local', directory: 'state' },
    clusters: [
      {
        ...suiteCluster(CLUSTER, 'sandbox.test'),
        // The Strimzi operator, which the built-in kafka block requires of its cluster.
        platform: { chartMirror: chartMirror(), kafka: true },
      },
    ],
    catalog: [LOWERED],
    // What `instance create --template` builds on: the CLI instance takes its blocks, mocks and TTL from here.
    templates: [{ name: 'preview', blocks: ['postgresql'], mocks: ['email'], ttlHours: 2 }],
    instances: [
      {
        name: ALL,
        cluster: CLUSTER,
        owner: OWNER,
        ownerGroup: 'sandbox-devs',
        ttlHours: 4,
        size: 'large',
        blocks: [...BUILTIN_CATALOG.map((e) => e.name), LOWERED.name],
        mocks: ['email', 'sms', 'payment', 'cloud'],
        datasets: inlineDatasets.map(({ block, variant }) => ({ block, variant })),
      },
    ],
  };
  writeFileSync(configFile, stringify(config));
}

function apply(stack: string): void {
  terraform(stackDir(stack), 'init', '-input=false', '-no-color');
  terraform(stackDir(stack), 'apply', '-auto-approve', '-input=false', '-no-color');
}

/** Helm releases of a namespace, by name. */
const releases = (ns: string): Record<string, any> =>
  Object.fromEntries(JSON.parse(must('helm', ['list', '-n', ns, '-a', '-o', 'json'])).map((r: any) => [r.name, r]));

/** Events that say the API server or a controller refused a pod: admission, quota, limits. */
function rejections(ns: string): string[] {
  return items('events', '-n', ns)
    .filter(
      (e) =>
        e.type === 'Warning' &&
        /FailedCreate|Forbidden|exceeded quota|violates PodSecurity|LimitRange|must be less than or equal/i.test(
          `${e.reason} ${e.message}`,
        ) &&
        // Two creates counted at once conflict on the quota's status; the controller retries, nothing was refused.
        !/Operation cannot be fulfilled on resourcequotas/.test(e.message),
    )
    .map((e) => `${e.involvedObject.kind}/${e.involvedObject.name}: ${e.message}`);
}

/** Secret references of every pod template in a namespace: `secret` or `secret/key`. */
function secretRefs(ns: string): { owner: string; secret: string; key?: string }[] {
  const templates = [
    ...items('deployments', '-n', ns).map((d) => [`Deployment/${d.metadata.name}`, d.spec.template.spec] as const),
    ...items('statefulsets', '-n', ns).map((s) => [`StatefulSet/${s.metadata.name}`, s.spec.template.spec] as const),
    ...items('jobs', '-n', ns).map((j) => [`Job/${j.metadata.name}`, j.spec.template.spec] as const),
  ];
  return templates
    .flatMap(([owner, spec]) => [
      ...[...(spec.containers ?? []), ...(spec.initContainers ?? [])].flatMap((c: any) => [
        ...(c.env ?? [])
          .filter((e: any) => e.valueFrom?.secretKeyRef)
          .map((e: any) => ({
            owner,
            secret: e.valueFrom.secretKeyRef.name,
            key: e.valueFrom.secretKeyRef.key,
            optional: e.valueFrom.secretKeyRef.optional,
          })),
        ...(c.envFrom ?? [])
          .filter((e: any) => e.secretRef)
          .map((e: any) => ({ owner, secret: e.secretRef.name, optional: e.secretRef.optional })),
      ]),
      ...(spec.volumes ?? [])
        .filter((v: any) => v.secret)
        .map((v: any) => ({ owner, secret: v.secret.secretName, optional: v.secret.optional })),
    ])
    .filter((r: any) => !r.optional);
}

/** Secrets CloudNativePG creates for a Cluster it runs (its documented names); no operator runs here. */
const cnpgSecrets = (cluster: string) => [
  `${cluster}-app`,
  `${cluster}-superuser`,
  `${cluster}-ca`,
  `${cluster}-replication`,
  `${cluster}-server`,
];

describe(`sandboxkit on a real API server (${TEST_CLUSTER})`, () => {
  // A failed test must not leave its platform to the suites that follow on the same cluster.
  afterAll(() => {
    if (exists('namespace', CLI_INSTANCE)) cli('instance', 'destroy', CLI_INSTANCE);
    destroyLeftovers(`instance-${ALL}`, `platform-${CLUSTER}`);
  }, 900000);

  beforeAll(() => {
    writeConfig();
    synth();
  });

  it('applies the platform stack of an existing cluster, with every chart from the mirror', () => {
    apply(`platform-${CLUSTER}`);
    for (const [ns, names] of [
      ['sandbox-gateway', ['envoy-gateway', 'platform-resources']],
      ['cert-manager', ['cert-manager']],
      ['cnpg-system', ['cnpg']],
      ['sandbox-platform', ['instance-reaper']],
    ] as const) {
      const found = releases(ns);
      for (const name of names)
        expect({ release: name, status: found[name]?.status }).toEqual({ release: name, status: 'deployed' });
    }
    expect(
      kubectlJson('get', 'gateway', 'sandbox', '-n', 'sandbox-gateway').spec.allowedListeners.namespaces.from,
    ).toBe('Selector');
    expect(exists('clusterissuer', 'sandbox-issuer')).toBe(true);
    expect(
      // In cert-manager's cluster resource namespace, where the CA ClusterIssuer reads its Secret.
      kubectlJson('get', 'certificate', 'sandbox-ca', '-n', 'cert-manager').spec.nameConstraints.permitted.dnsDomains,
    ).toEqual(['sandbox.test']);
  });

  it('creates two instances at once: one with terraform apply, one with the CLI', async () => {
    terraform(stackDir(`instance-${ALL}`), 'init', '-input=false', '-no-color');
    const [viaTerraform, viaCli] = await execAll([
      {
        cmd: 'terraform',
        args: ['apply', '-auto-approve', '-input=false', '-no-color'],
        cwd: stackDir(`instance-${ALL}`),
      },
      {
        cmd: 'node',
        args: [
          join(ROOT, 'dist', 'cli', 'main.js'),
          'instance',
          'create',
          CLI_INSTANCE,
          '--cluster',
          CLUSTER,
          '--owner',
          CLI_OWNER,
          '--template',
          'preview',
          '--config',
          configFile,
          '--out',
          outdir,
        ],
      },
    ]);
    expect({
      code: viaTerraform.code,
      err: viaTerraform.code ? viaTerraform.stdout.slice(-4000) + viaTerraform.stderr : '',
    }).toEqual({ code: 0, err: '' });
    expect({ code: viaCli.code, err: viaCli.code ? viaCli.stdout + viaCli.stderr : '' }).toEqual({ code: 0, err: '' });
  });

  it('deploys every built-in block, every mock and every seed release', () => {
    const found = releases(ALL);
    const expected = stackJson(`instance-${ALL}`);
    const names = Object.values(expected.resource.helm_release).map((r: any) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        ...BUILTIN_CATALOG.map((e) => e.name),
        'mock-email',
        'mock-sms',
        'mock-payment',
        'mock-cloud',
      ]),
    );
    for (const name of names)
      expect({ release: name, status: found[name]?.status }).toEqual({ release: name, status: 'deployed' });
    expect(releases(CLI_INSTANCE).postgresql?.status).toBe('deployed');
  });

  it('covers every dataset format: SQL for PostgreSQL and MySQL, a Mongo archive, HTTP fixtures', () => {
    const covered = new Set(inlineDatasets.map((d) => (d.format === 'sql' ? `sql:${d.engine}` : d.format)));
    expect([...covered].sort()).toEqual(
      expect.arrayContaining(['http-fixtures', 'mongodb-archive', 'sql:provides-mysql', 'sql:provides-postgresql']),
    );
  });

  it('gets every workload its pods, admitted by Pod Security, the quota and the limits', () => {
    for (const ns of [ALL, CLI_INSTANCE]) {
      expect({ ns, rejected: rejections(ns) }).toEqual({ ns, rejected: [] });
      for (const d of items('deployments', '-n', ns))
        expect({ d: d.metadata.name, ready: d.status.readyReplicas ?? 0 }).toEqual({
          d: d.metadata.name,
          ready: d.spec.replicas,
        });
      for (const s of items('statefulsets', '-n', ns))
        expect({ s: s.metadata.name, ready: s.status.readyReplicas ?? 0 }).toEqual({
          s: s.metadata.name,
          ready: s.spec.replicas,
        });
      for (const j of items('jobs', '-n', ns))
        expect({ job: j.metadata.name, succeeded: j.status.succeeded ?? 0 }).toEqual({
          job: j.metadata.name,
          succeeded: 1,
        });
    }
  });

  it('completes each seed job before the blocks that need its data are installed', () => {
    const json = stackJson(`instance-${ALL}`);
    const byAddress = Object.fromEntries(
      Object.entries(json.resource.helm_release).map(([id, r]: [string, any]) => [`helm_release.${id}`, r]),
    );
    const seeds = Object.entries(byAddress).filter(([, r]) => r.chart.includes('seed-data'));
    expect(seeds.length).toBe(inlineDatasets.length);
    for (const [, seed] of seeds) expect(seed.wait_for_jobs).toBe(true);
    const jobs = items('jobs', '-n', ALL);
    for (const [address, seed] of seeds) {
      const job = jobs.find((j) => j.metadata.labels?.['app.kubernetes.io/instance'] === seed.name);
      expect({ seed: seed.name, completed: !!job?.status?.completionTime }).toEqual({
        seed: seed.name,
        completed: true,
      });
      for (const dependent of Object.values(byAddress).filter((r: any) =>
        (r.depends_on ?? []).includes(address),
      ) as any[]) {
        const workloads = [...items('deployments', '-n', ALL), ...items('statefulsets', '-n', ALL)].filter(
          (w) => w.metadata.labels?.['app.kubernetes.io/instance'] === dependent.name,
        );
        for (const w of workloads)
          expect(new Date(w.metadata.creationTimestamp).getTime()).toBeGreaterThanOrEqual(
            new Date(job.status.completionTime).getTime() - 1000,
          );
      }
    }
  });

  it('finds every Service, port, Secret and key that routes, seeds, scrape targets and pods refer to', () => {
    const services = Object.fromEntries(
      items('services', '-n', ALL).map((s) => [s.metadata.name, s.spec.ports.map((p: any) => p.port)]),
    );
    const secrets = Object.fromEntries(
      items('secrets', '-n', ALL).map((s) => [s.metadata.name, Object.keys(s.data ?? {})]),
    );
    const cnpgClusters = items('clusters.postgresql.cnpg.io', '-n', ALL).map((c) => c.metadata.name);
    const operatorSecrets = cnpgClusters.flatMap(cnpgSecrets);
    const operatorServices = cnpgClusters.flatMap((c) => [`${c}-rw`, `${c}-ro`, `${c}-r`]);

    const missing: string[] = [];
    for (const route of items('httproutes', '-n', ALL)) {
      for (const ref of route.spec.rules.flatMap((r: any) => r.backendRefs ?? [])) {
        if (!services[ref.name]?.includes(ref.port))
          missing.push(`HTTPRoute/${route.metadata.name} → Service ${ref.name}:${ref.port}`);
      }
    }
    for (const ref of secretRefs(ALL)) {
      if (operatorSecrets.includes(ref.secret)) continue;
      if (!secrets[ref.secret] || (ref.key && !secrets[ref.secret].includes(ref.key)))
        missing.push(`${ref.owner} → Secret ${ref.secret}${ref.key ? `/${ref.key}` : ''}`);
    }
    const json = stackJson(`instance-${ALL}`);
    const hostPort = (text: string) =>
      /^(?:[a-z]+:\/\/)?([a-z0-9-]+)\.[a-z0-9-]+\.svc\.cluster\.local:(\d+)/.exec(text);
    for (const r of Object.values(json.resource.helm_release) as any[]) {
      const text = (r.values ?? []).join('\n');
      for (const m of text.matchAll(
        /[a-z]+:\/\/[a-z0-9-]+\.[a-z0-9-]+\.svc\.cluster\.local:\d+|[a-z0-9-]+\.[a-z0-9-]+\.svc\.cluster\.local:\d+/g,
      )) {
        const [, svc, port] = hostPort(m[0])!;
        if (operatorServices.includes(svc)) continue;
        if (!services[svc]?.includes(Number(port))) missing.push(`release ${r.name} → ${svc}:${port}`);
      }
    }
    expect(missing).toEqual([]);
    for (const c of cnpgClusters)
      expect(kubectlJson('get', 'clusters.postgresql.cnpg.io', c, '-n', ALL).metadata.name).toBe(c);
  });

  it('keeps the guardrails the owner cannot edit', () => {
    const policies = items('networkpolicies', '-n', ALL)
      .map((p) => p.metadata.name)
      .sort();
    expect(policies).toEqual(
      expect.arrayContaining([
        'allow-dns',
        'allow-egress-to-mocks',
        'allow-ingress-controller',
        'allow-same-namespace',
        'default-deny',
      ]),
    );
    expect(exists('resourcequota', 'sandbox-quota', '-n', ALL)).toBe(true);
    expect(exists('limitrange', 'sandbox-limits', '-n', ALL)).toBe(true);
    expect(kubectlJson('get', 'role', 'sandbox-owner', '-n', ALL).rules.length).toBe(OWNER_RULES.length);
    for (const [verb, resource] of [
      ['delete', 'networkpolicies'],
      ['update', 'resourcequotas'],
      ['patch', 'limitranges'],
      ['update', 'roles'],
      ['create', 'rolebindings'],
      ['patch', 'namespaces'],
    ]) {
      expect({ verb, resource, allowed: canI(OWNER, verb, resource, ALL) }).toEqual({ verb, resource, allowed: false });
    }
    expect(canI(OWNER, 'create', 'deployments', ALL)).toBe(true);
    expect(canI(OWNER, 'create', 'deployments', CLI_INSTANCE)).toBe(false);
    expect(canI(CLI_OWNER, 'get', 'secrets', ALL)).toBe(false);
  });

  it('serves each block under its own instance name through the instance listener', () => {
    const listener = kubectlJson('get', 'listenersets', 'sandbox', '-n', ALL);
    expect(listener.spec.listeners[0].hostname).toBe(`*.${ALL}.sandbox.test`);
    expect(listener.spec.parentRef).toMatchObject({ name: 'sandbox', namespace: 'sandbox-gateway' });
    for (const route of items('httproutes', '-n', ALL)) {
      for (const host of route.spec.hostnames)
        expect(host).toMatch(new RegExp(`^[a-z0-9-]+\\.${ALL}\\.sandbox\\.test$`));
    }
    expect(kubectlJson('get', 'certificate', 'sandbox-wildcard-tls', '-n', ALL).spec.dnsNames).toEqual([
      `*.${ALL}.sandbox.test`,
    ]);
  });

  it('lowers Pod Security only for the blocks that say why, and says so on the namespace', () => {
    const ns = kubectlJson('get', 'namespace', ALL);
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(ns.metadata.annotations['sandbox.dev/pod-security-reason']).toBe(
      `${LOWERED.name}: ${LOWERED.podSecurity.reason}`,
    );
    expect(ns.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(kubectlJson('get', 'namespace', CLI_INSTANCE).metadata.labels['pod-security.kubernetes.io/enforce']).toBe(
      'restricted',
    );
  });

  it('runs the helm tests of every release through `sandboxkit instance test`, leaving out only what the catalog explains', () => {
    const r = cli('instance', 'test', CLI_INSTANCE, '--json');
    expect({ code: r.code, out: r.code ? r.stdout + r.stderr : '' }).toEqual({ code: 0, out: '' });
    const report = JSON.parse(r.stdout);
    expect(report.results.find((x: any) => x.release === 'mock-email').status).toBe('passed');
    expect(report.results.find((x: any) => x.release === 'postgresql').excluded).toEqual([
      { name: 'postgresql-ping-test', reason: expect.any(String) },
    ]);
  });

  it('moves the expiry with `sandboxkit instance extend`, and stamps each CLI apply on the namespace for the idle reaper', () => {
    const annotations = () => kubectlJson('get', 'namespace', CLI_INSTANCE).metadata.annotations;
    const before = annotations();
    expect(before['sandbox.dev/last-applied-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const r = cli('instance', 'extend', CLI_INSTANCE, '--ttl', '6h');
    expect({ code: r.code, out: r.code ? r.stdout + r.stderr : '' }).toEqual({ code: 0, out: '' });
    const after = annotations();
    expect(new Date(after['sandbox.dev/expires-at']).getTime()).toBeGreaterThan(
      new Date(before['sandbox.dev/expires-at']).getTime() + 3 * 3600 * 1000,
    );
    expect(Date.parse(after['sandbox.dev/last-applied-at'])).toBeGreaterThanOrEqual(
      Date.parse(before['sandbox.dev/last-applied-at']),
    );
    // The instance came from the template; the config file is left as it was, the record says so.
    expect(parse(readFileSync(configFile, 'utf8')).instances.map((i: any) => i.name)).toEqual([ALL]);
    expect(
      JSON.parse(readFileSync(join(work, 'state', `instance-${CLI_INSTANCE}.sandboxkit.json`), 'utf8')),
    ).toMatchObject({
      spec: { ttlHours: 6 },
      status: { phase: 'ready', template: 'preview' },
    });
  });

  it('lets the reaper, as its own service account, remove an expired instance and nothing unlabelled', () => {
    const manifest = parseAllDocuments(must('helm', ['get', 'manifest', 'instance-reaper', '-n', 'sandbox-platform']))
      .map((d) => d.toJS())
      .filter(Boolean);
    const cron = manifest.find((o: any) => o.kind === 'CronJob');
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const account = `system:serviceaccount:sandbox-platform:${pod.serviceAccountName}`;
    // The CronJob's environment as the pod would see it: its own namespace, the scripts mounted at /scripts.
    const files = join(ROOT, 'charts', 'instance-reaper', 'files');
    const env = Object.fromEntries(
      (pod.containers[0].env ?? []).map((e: any) => [
        e.name,
        e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace'
          ? 'sandbox-platform'
          : String(e.value ?? '').replace(/^\/scripts\//, `${files}/`),
      ]),
    );

    kubectl('create', 'namespace', 'ct-unlabelled');
    const denied = exec('kubectl', ['delete', 'namespace', 'ct-unlabelled', `--as=${account}`]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/denied|forbidden/i);
    kubectl('delete', 'namespace', 'ct-unlabelled', '--wait=false');

    kubectl('annotate', 'namespace', CLI_INSTANCE, '--overwrite', 'sandbox.dev/expires-at=2020-01-01T00:00:00Z');
    // The reaper's own script, run here as the reaper's service account: no container runs on a kwok node.
    const bin = tempDir('reaper-bin-');
    writeFileSync(
      join(bin, 'kubectl'),
      `#!/bin/sh\nexec ${must('sh', ['-c', 'command -v kubectl']).trim()} --as=${account} "$@"\n`,
    );
    chmodSync(join(bin, 'kubectl'), 0o755);
    const script = join(ROOT, 'charts', 'instance-reaper', 'files', 'reap.sh');
    const run = exec('sh', [script], {
      env: { ...process.env, ...env, DRY_RUN: 'false', PATH: `${bin}:${process.env.PATH}` },
    });
    expect({ code: run.code, out: run.stdout + run.stderr }).toEqual({
      code: 0,
      out: expect.stringContaining(CLI_INSTANCE),
    });
    const ns = exec('kubectl', ['get', 'namespace', CLI_INSTANCE, '-o', 'json']);
    expect(ns.code !== 0 || JSON.parse(ns.stdout).status.phase === 'Terminating').toBe(true);
    expect(exists('namespace', ALL)).toBe(true);
  });

  it('destroys the reaped instance with `sandboxkit instance destroy`, leaving nothing of it', () => {
    const r = cli('instance', 'destroy', CLI_INSTANCE, '--yes');
    expect({ code: r.code, out: r.code ? r.stdout + r.stderr : '' }).toEqual({ code: 0, out: '' });
    expect(leftovers(CLI_INSTANCE)).toEqual([]);
  });

  it('destroys the other instance with terraform destroy, leaving nothing of it', () => {
    terraform(stackDir(`instance-${ALL}`), 'destroy', '-auto-approve', '-input=false', '-no-color');
    expect(leftovers(ALL)).toEqual([]);
  });

  it('destroys the platform, leaving none of its objects but the CRDs Helm never deletes', () => {
    terraform(stackDir(`platform-${CLUSTER}`), 'destroy', '-auto-approve', '-input=false', '-no-color');
    for (const ns of ['sandbox-gateway', 'cert-manager', 'cnpg-system', 'sandbox-platform'])
      expect({ ns, gone: waitGone('namespace', ns) }).toEqual({ ns, gone: true });
    const clusterScoped = [
      'clusterroles',
      'clusterrolebindings',
      'validatingwebhookconfigurations',
      'mutatingwebhookconfigurations',
      'validatingadmissionpolicies',
      'validatingadmissionpolicybindings',
      'gatewayclasses',
      'clusterissuers',
      'priorityclasses',
    ];
    const left = clusterScoped.flatMap((kind) =>
      items(kind)
        .filter((o) =>
          ['envoy-gateway', 'cert-manager', 'cnpg', 'instance-reaper', 'platform-resources'].includes(
            o.metadata.annotations?.['meta.helm.sh/release-name'],
          ),
        )
        .map((o) => `${kind}/${o.metadata.name}`),
    );
    expect(left).toEqual([]);
    // Envoy Gateway's install hooks (certgen Job and RBAC) are deleted once they succeed; no topology webhook.
    expect(
      exec('kubectl', [
        'get',
        'mutatingwebhookconfigurations,clusterroles,clusterrolebindings',
        '-l',
        'app.kubernetes.io/instance=envoy-gateway',
        '-o',
        'name',
      ]).stdout.trim(),
    ).toBe('');
  });
});

/** Deletion is asynchronous: true once the object is gone, within two minutes. */
function waitGone(kind: string, name: string): boolean {
  const end = Date.now() + 120_000;
  while (Date.now() < end) {
    if (!exists(kind, name)) return true;
    must('sleep', ['1']);
  }
  return false;
}

/** What is left of an instance: its namespace, Helm releases, and any object labelled with it. */
function leftovers(instance: string): string[] {
  const left: string[] = [];
  if (!waitGone('namespace', instance)) left.push(`namespace/${instance}`);
  const labelled = exec('kubectl', [
    'get',
    'clusterroles,clusterrolebindings,persistentvolumes,validatingadmissionpolicybindings',
    '-l',
    `sandbox.dev/instance=${instance}`,
    '-o',
    'name',
  ]);
  left.push(...labelled.stdout.split('\n').filter(Boolean));
  const statePath = join(work, 'state', `instance-${instance}.tfstate`);
  if (existsSync(statePath)) {
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    left.push(...(state.resources ?? []).map((r: any) => `state: ${r.type}.${r.name}`));
  }
  return left;
}
