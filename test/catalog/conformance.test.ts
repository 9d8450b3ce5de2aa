import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { mirrored } from '../../cli/commands/bom';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { PACKAGED_CHARTS, type CatalogEntry } from '../../constructs/catalog/types';
import { MOCK_KINDS, MOCKS, mockFootprint, type MockKind } from '../../constructs/instance/mocks';
import { blockFootprint } from '../../constructs/instance/quota-check';
import { seedFootprint } from '../../constructs/instance/seed-data';
import { mergeValues, setPath } from '../../constructs/instance/values';
import { buildStacks, configFromYaml, resources, synthJson, type TerraformJson } from '../fixtures';
import {
  CHART_MIRROR,
  canonical,
  helmTemplate,
  leafPaths,
  objectKey,
  prefetchTemplates,
  rendered,
  withoutPath,
  type K8sObject,
} from './render';
import {
  footprintOfPods,
  imagesOf,
  podsOf,
  qualified,
  restrictedProblems,
  secretRefsOf,
  selectsAPod,
  servicesOf,
  testHookPods,
  unboundedContainers,
} from './workloads';

/**
 * Wiring conformance: an instance with every block, mock and dataset of the built-in catalog,
 * synthesized as sandboxkit would deploy it, and every release rendered from the real chart
 * archive with the values sandboxkit computed. What sandboxkit relies on must be in the render.
 */

const NAMESPACE = 'conformance';
const REGISTRY = 'mirror.example.org:5000';
const CHARTS_DIR = join(__dirname, '..', '..', 'charts');
const catalog = new Map(BUILTIN_CATALOG.map((e) => [e.name, e]));

function synthInstance(registryMirror?: string): TerraformJson {
  const datasets = BUILTIN_CATALOG.flatMap((e) =>
    Object.keys(e.datasets ?? {}).map((variant) => ({ block: e.name, variant })),
  );
  const config = configFromYaml(
    JSON.stringify({
      clusters: [
        {
          name: 'conformance',
          cloud: 'existing',
          connection: { kind: 'kubeconfig', path: '/tmp/kubeconfig', context: 'conformance' },
          storageClasses: { blockRwo: 'standard' },
          ingressDomain: 'sandbox.test',
          platform: { chartMirror: CHART_MIRROR, kafka: true, ...(registryMirror ? { registryMirror } : {}) },
        },
      ],
      instances: [
        {
          name: NAMESPACE,
          cluster: 'conformance',
          owner: 'tester',
          size: 'large',
          allowInternetEgress: true,
          blocks: BUILTIN_CATALOG.map((e) => e.name),
          mocks: [...MOCK_KINDS],
          datasets,
        },
      ],
    }),
    'conformance.yaml',
  );
  return synthJson(buildStacks(config).instances.get(`instance-${NAMESPACE}`)!);
}

interface Release {
  readonly name: string;
  /** Chart archive or folder `helm template` renders. */
  readonly chart: string;
  readonly values: Record<string, unknown>;
  readonly entry?: CatalogEntry;
  readonly mock?: MockKind;
  readonly seed: boolean;
}

/** The helm releases of a synthesized instance, each with the chart it renders from. */
function releasesOf(json: TerraformJson): Release[] {
  return Object.values(resources(json, 'helm_release')).map((r: any) => {
    const values = JSON.parse(
      String(r.values?.[0] ?? '{}')
        .replace(/\$\$\{/g, '${')
        .replace(/%%\{/g, '%{'),
    ) as Record<string, unknown>;
    const entry = catalog.get(r.name);
    const mock = MOCK_KINDS.find((k) => MOCKS[k].chart === r.name);
    const seed = String(r.name).startsWith('seed-');
    let chart: string;
    if (entry && entry.chart.repository !== PACKAGED_CHARTS) chart = r.chart;
    else chart = join(CHARTS_DIR, entry ? entry.chart.name : mock ? MOCKS[mock].chart : 'seed-data');
    return { name: r.name, chart, values, entry, mock, seed };
  });
}

/** What the charts need besides the switch to render an optional pod (the backup store, the source of a restore). */
const OPTIONAL_POD_INPUTS: Record<string, Record<string, unknown>> = {
  'backup.enabled': { backup: { remote: { type: 's3', provider: 'AWS', env_auth: 'true' }, path: 'b/p/i/db' } },
  'restore.enabled': {
    backup: { remote: { type: 's3', provider: 'AWS', env_auth: 'true' } },
    restore: { path: 'b/p/j/db' },
  },
};

const base = synthInstance();
const withMirror = synthInstance(REGISTRY);
const releases = releasesOf(base);
const mirroredReleases = new Map(releasesOf(withMirror).map((r) => [r.name, r]));
const render = (r: Release, values = r.values) => helmTemplate(r.name, r.chart, NAMESPACE, values);
const objectsOf = (r: Release) => rendered(r.name, render(r));
const blocks = releases.filter((r) => r.entry);
const everything = () => releases.flatMap(objectsOf);

/** Secrets the instance generates (on an existing cluster, Kubernetes Secrets in the stack), by name, with their data. */
const generatedSecrets = new Map<string, Record<string, string>>(
  Object.values(resources(base, 'kubernetes_secret_v1')).map((s: any) => [s.metadata.name, s.data]),
);

/**
 * Secrets the CloudNativePG operator documents for each Cluster (docs: "Connecting from an
 * application", Secrets): `<cluster>-app` always, `<cluster>-superuser` with superuser access.
 */
const CNPG_APP_KEYS = [
  'username',
  'user',
  'password',
  'dbname',
  'host',
  'port',
  'pgpass',
  'uri',
  'jdbc-uri',
  'fqdn-uri',
  'fqdn-jdbc-uri',
];
function operatorSecrets(objects: readonly K8sObject[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of objects.filter(
    (o) => o.kind === 'Cluster' && String(o.apiVersion).startsWith('postgresql.cnpg.io/'),
  )) {
    out.set(`${c.metadata.name}-app`, CNPG_APP_KEYS);
    if (c.spec.enableSuperuserAccess) out.set(`${c.metadata.name}-superuser`, CNPG_APP_KEYS);
  }
  // Strimzi's user operator writes each SCRAM user's credentials into a Secret named after the user.
  for (const u of objects.filter((o) => o.kind === 'KafkaUser' && String(o.apiVersion).startsWith('kafka.strimzi.io/')))
    out.set(u.metadata.name, ['password', 'sasl.jaas.config']);
  return out;
}

/**
 * Services the operators create: CloudNativePG's for each Cluster (docs: "Service management"): read-write, read-only
 * and any instance; Strimzi's for each Kafka (docs: "Deploying and Managing", listeners): the bootstrap Service with
 * the replication port and every listener's, and the brokers' headless Service.
 */
function operatorServices(objects: readonly K8sObject[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const c of objects.filter(
    (o) => o.kind === 'Cluster' && String(o.apiVersion).startsWith('postgresql.cnpg.io/'),
  )) {
    for (const suffix of ['rw', 'ro', 'r']) out.set(`${c.metadata.name}-${suffix}`, [5432]);
  }
  for (const k of objects.filter((o) => o.kind === 'Kafka' && String(o.apiVersion).startsWith('kafka.strimzi.io/'))) {
    const ports = [9091, ...k.spec.kafka.listeners.map((l: { port: number }) => l.port)];
    out.set(`${k.metadata.name}-kafka-bootstrap`, ports);
    out.set(`${k.metadata.name}-kafka-brokers`, [9090, ...ports]);
  }
  return out;
}

/** The port of an http(s) URL, its scheme's default when it names none. */
const portOf = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');

/** `name.namespace.svc.cluster.local` and a port, as sandboxkit writes addresses. */
function serviceAddress(host: string, port: number | string): { name: string; port: number } {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(host);
  if (!m || m[2] !== NAMESPACE) throw new Error(`"${host}" is not a Service address in namespace ${NAMESPACE}`);
  return { name: m[1], port: Number(port) };
}

/** Every Service and port that something sandboxkit wires points at, with what points there. */
function serviceReferences(): { what: string; name: string; port: number }[] {
  const refs: { what: string; name: string; port: number }[] = [];
  for (const m of Object.values(resources(base, 'kubernetes_manifest')).map((r: any) => r.manifest)) {
    if (m.kind !== 'HTTPRoute') continue;
    for (const rule of m.spec.rules)
      for (const b of rule.backendRefs) refs.push({ what: `HTTPRoute ${m.metadata.name}`, name: b.name, port: b.port });
  }
  const monitoring = releases.find((r) => r.name === 'monitoring')!.values as any;
  for (const job of monitoring.serverFiles['prometheus.yml'].scrape_configs) {
    for (const target of job.static_configs.flatMap((s: any) => s.targets) as string[]) {
      if (target.startsWith('localhost:')) continue;
      const [host, port] = target.split(':');
      refs.push({ what: `scrape job ${job.job_name}`, ...serviceAddress(host, port) });
    }
  }
  const gateway = parse((releases.find((r) => r.name === 'gateway')!.values as any).dblessConfig.config);
  for (const service of gateway.services) {
    const url = new URL(service.url);
    if (url.hostname === '127.0.0.1') continue;
    refs.push({ what: `gateway member ${service.name}`, ...serviceAddress(url.hostname, portOf(url)) });
  }
  for (const seed of releases.filter((r) => r.seed)) {
    const target = (seed.values as any).target;
    if (target.engine === 'http') {
      const url = new URL(target.url);
      refs.push({ what: `seed ${seed.name}`, ...serviceAddress(url.hostname, portOf(url)) });
    } else refs.push({ what: `seed ${seed.name}`, ...serviceAddress(target.host, target.port) });
  }
  for (const [name, data] of generatedSecrets) {
    if (name.endsWith('-database')) refs.push({ what: `Secret ${name}`, ...serviceAddress(data.host, data.port) });
  }
  return refs;
}

describe('catalog conformance with the real charts', () => {
  beforeAll(() =>
    prefetchTemplates(
      [...releases, ...mirroredReleases.values()].map((r) => ({
        release: r.name,
        chart: r.chart,
        namespace: NAMESPACE,
        values: r.values,
      })),
    ),
  );

  it('pins only chart versions that the chart mirror holds', () => {
    expect(existsSync(join(CHART_MIRROR, 'index.yaml'))).toBe(true);
    const index = parse(readFileSync(join(CHART_MIRROR, 'index.yaml'), 'utf8')).entries as Record<
      string,
      { version: string }[]
    >;
    const missing = BUILTIN_CATALOG.filter((e) => e.chart.repository !== PACKAGED_CHARTS)
      .filter((e) => !(index[e.chart.name] ?? []).some((v) => v.version === e.chart.version))
      .map((e) => `${e.chart.name} ${e.chart.version}`);
    expect(missing).toEqual([]);
  });

  it('installs every block, mock and dataset, upstream charts from the mirror archives', () => {
    expect(blocks.map((b) => b.name).sort()).toEqual(BUILTIN_CATALOG.map((e) => e.name).sort());
    expect(releases.filter((r) => r.mock).length).toBe(MOCK_KINDS.length);
    expect(releases.filter((r) => r.seed).length).toBe(
      BUILTIN_CATALOG.reduce((n, e) => n + Object.keys(e.datasets ?? {}).length, 0),
    );
    for (const b of blocks.filter((r) => r.entry!.chart.repository !== PACKAGED_CHARTS)) {
      expect(b.chart).toBe(join(CHART_MIRROR, `${b.entry!.chart.name}-${b.entry!.chart.version}.tgz`));
    }
  });

  describe.each(releases.map((r) => [r.name, r] as const))('release %s', (_name, release) => {
    it('renders, with and without a registry mirror', () => {
      expect(() => objectsOf(release)).not.toThrow();
      expect(() => rendered(release.name, render(mirroredReleases.get(release.name)!))).not.toThrow();
    });

    it('asks of the quota exactly what sandboxkit counts for it, every container bounded', () => {
      const pods = podsOf(objectsOf(release));
      expect(unboundedContainers(pods)).toEqual([]);
      const declared = release.entry
        ? blockFootprint({ name: release.name, entry: release.entry })
        : release.mock
          ? mockFootprint(release.mock)
          : seedFootprint();
      expect(footprintOfPods(pods)).toEqual(declared);
    });

    it('runs only pods the restricted Pod Security profile admits', () => {
      if (release.entry?.podSecurity) return;
      expect(podsOf(objectsOf(release)).flatMap(restrictedProblems)).toEqual([]);
    });

    it('ships helm tests that restricted Pod Security admits, or leaves them out with a reason', () => {
      if (release.entry?.podSecurity) return;
      const excluded = new Set(
        (release.entry?.excludedTests ?? []).map((t) => t.name.replace(/\{block\}/g, release.name)),
      );
      const tests = testHookPods(objectsOf(release)).filter((p) => !excluded.has(p.owner.split('/')[1]));
      expect(tests.flatMap(restrictedProblems)).toEqual([]);
      for (const name of excluded)
        expect(testHookPods(objectsOf(release)).map((p) => p.owner.split('/')[1])).toContain(name);
    });

    it('opens no Service beyond the cluster', () => {
      const open = [...servicesOf(objectsOf(release))]
        .filter(([, s]) => s.type !== 'ClusterIP')
        .map(([name, s]) => `${name}: ${s.type}`);
      expect(open).toEqual([]);
    });

    it('pulls every image through the registry mirror', () => {
      const mirroredRelease = mirroredReleases.get(release.name)!;
      const images = imagesOf(podsOf(rendered(release.name, render(mirroredRelease))));
      const plain = imagesOf(podsOf(objectsOf(release))).map(qualified);
      expect(images).toEqual([...new Set(plain.map((i) => mirrored(i, REGISTRY)))].sort());
    });

    it('reads every value sandboxkit sets: none is ignored', async () => {
      const r = mirroredReleases.get(release.name)!;
      const paths = leafPaths(r.values).filter((path) => path.length > 0);
      const request = { release: r.name, chart: r.chart, namespace: NAMESPACE };
      // One render per value left out: rendered concurrently up front, then read from the cache below.
      await prefetchTemplates([
        { ...request, values: r.values },
        { ...request, values: r.values, nonce: 'again' },
        ...paths.map((path) => ({ ...request, values: withoutPath(r.values, path) })),
      ]);
      const full = rendered(r.name, render(r));
      const again = rendered(r.name, helmTemplate(r.name, r.chart, NAMESPACE, r.values, 'again'));
      // Objects with values generated at render time (random keys) differ between two renders; compare the rest.
      const volatile = new Set(
        full.filter((o) => !again.some((a) => JSON.stringify(a) === JSON.stringify(o))).map(objectKey),
      );
      const reference = canonical(full, volatile);
      const ignored = paths
        .filter((path) => {
          const without = render(r, withoutPath(r.values, path));
          return !(without instanceof Error) && canonical(without, volatile) === reference;
        })
        .map((path) => path.join('.'));
      expect(ignored).toEqual([]);
    });
  });

  describe.each(blocks.map((b) => [b.name, b] as const))('block %s', (_name, block) => {
    it('lists exactly the images its chart pulls, for the bill of materials', () => {
      expect(imagesOf(podsOf(objectsOf(block))).map(qualified)).toEqual([...block.entry!.images].sort());
    });

    it('asks of the quota, with each of its optional pods on, what sandboxkit counts for it', () => {
      for (const extra of block.entry!.resources.optionalPods ?? []) {
        const values = mergeValues(setPath(block.values, extra.when, true), OPTIONAL_POD_INPUTS[extra.when] ?? {});
        const pods = podsOf(rendered(block.name, helmTemplate(block.name, block.chart, NAMESPACE, values)));
        expect({ when: extra.when, footprint: footprintOfPods(pods) }).toEqual({
          when: extra.when,
          footprint: blockFootprint({ name: block.name, entry: block.entry!, values }),
        });
        expect(footprintOfPods(pods).pods).toBeGreaterThan(
          blockFootprint({ name: block.name, entry: block.entry! }).pods,
        );
      }
    });

    it('asks of the quota, with more replicas at its replicasPath, what sandboxkit counts for that many', () => {
      const path = block.entry!.resources.replicasPath;
      if (!path) return;
      const values = setPath(block.values, path, 3);
      const pods = podsOf(rendered(block.name, helmTemplate(block.name, block.chart, NAMESPACE, values)));
      expect(footprintOfPods(pods)).toEqual(blockFootprint({ name: block.name, entry: block.entry!, values }));
      expect(footprintOfPods(pods).pods).toBeGreaterThan(
        blockFootprint({ name: block.name, entry: block.entry! }).pods,
      );
    });
  });

  it('wires every Service and port that routes, scrape jobs, seed jobs, gateway members and database Secrets point at', () => {
    const objects = everything();
    const services = servicesOf(objects);
    const documented = operatorServices(objects);
    const problems = serviceReferences().flatMap(({ what, name, port }) => {
      const service = services.get(name);
      const ports = service?.ports ?? documented.get(name);
      if (!ports) return [`${what}: no Service "${name}"`];
      if (!ports.includes(port)) return [`${what}: Service "${name}" has no port ${port} (has ${ports.join(', ')})`];
      if (service?.selector && !selectsAPod(service.selector, objects))
        return [`${what}: Service "${name}" selects no pod`];
      return [];
    });
    expect(problems).toEqual([]);
  });

  it('gives pods only Secrets and keys that the instance, the charts or the operator create', () => {
    const objects = everything();
    const available = new Map<string, string[]>([
      ...[...generatedSecrets].map(([name, data]) => [name, Object.keys(data)] as [string, string[]]),
      ...objects
        .filter((o) => o.kind === 'Secret')
        .map(
          (s) =>
            [s.metadata.name, [...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})]] as [string, string[]],
        ),
      ...operatorSecrets(objects),
    ]);
    const problems = secretRefsOf(podsOf(objects)).flatMap((ref) => {
      const keys = available.get(ref.name);
      if (!keys) return [`${ref.pod}: reads Secret "${ref.name}", which nothing creates`];
      if (ref.key && !keys.includes(ref.key))
        return [`${ref.pod}: reads key "${ref.key}" of Secret "${ref.name}", which has ${keys.join(', ')}`];
      return [];
    });
    expect(problems).toEqual([]);
  });

  it('runs Keycloak trusting the X-Forwarded-* headers Envoy Gateway sends, and seeds it through the admin API with a token', () => {
    const keycloak = podsOf(objectsOf(releases.find((r) => r.name === 'keycloak')!)).flatMap((p) =>
      p.spec.containers.flatMap((c: any) => c.env ?? []),
    );
    expect(keycloak.filter((e: any) => e.name === 'KC_PROXY_HEADERS')).toEqual([
      { name: 'KC_PROXY_HEADERS', value: 'xforwarded' },
    ]);
    const seed = podsOf(objectsOf(releases.find((r) => r.name === 'seed-keycloak-demo')!))[0].spec;
    const env = Object.fromEntries(seed.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      TARGET_URL: `http://keycloak-keycloakx-http.${NAMESPACE}.svc.cluster.local:80`,
      TARGET_PATH: '/admin',
      TARGET_METHOD: 'POST',
      MARKER_PATH: '/admin/realms/sandbox',
      TOKEN_PATH: '/realms/master/protocol/openid-connect/token',
      TOKEN_CLIENT_ID: 'admin-cli',
      TOKEN_USERNAME: 'admin',
    });
    const password = seed.volumes.find((v: any) => v.name === 'password').secret;
    expect(password).toEqual({
      secretName: 'keycloak-credentials',
      items: [{ key: 'admin-password', path: 'password' }],
    });
    expect(Object.keys(generatedSecrets.get('keycloak-credentials') ?? {})).toContain('admin-password');
  });

  it('gives each database role a generated Secret with its own user name and a password', () => {
    const roles = everything()
      .filter((o) => o.kind === 'Cluster')
      .flatMap((c) => c.spec.managed?.roles ?? []);
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      expect({ role: role.name, secret: generatedSecrets.get(role.passwordSecret.name)?.username }).toEqual({
        role: role.name,
        secret: role.name,
      });
      expect(generatedSecrets.get(role.passwordSecret.name)!.password).toMatch(/^\$\{random_password\./);
    }
  });
});
