import { join } from 'path';
import { billOfMaterials } from '../../cli/bill-of-materials';
import { bundleContents } from '../../cli/bundle';
import { PRICES, dailyCost } from '../../cli/cost';
import { ENVOY_PROXY_IMAGE } from '../../constructs/platform/gateway-controller';
import { resolveBlocks } from '../../constructs/instance/resolver';
import type { CatalogEntry } from '../../constructs/catalog/types';
import { buildStacks, configFromYaml, configIssues, resources, synthJson, type TerraformJson } from '../fixtures';

/*
 * Config keys that were accepted and then lost or wrongly applied. Each test failed before its fix.
 */

const entry = (name: string, extra: Partial<CatalogEntry> = {}): CatalogEntry => ({
  name,
  labels: { kind: name, version: '1.0.0' },
  chart: { repository: 'https://charts.example.org', name, version: '1.0.0' },
  resources: { cpu: '100m', memory: '128Mi' },
  images: [],
  ...extra,
});

const EXISTING = `
  - name: kind
    cloud: existing
    connection: { kind: kubeconfig, path: /tmp/kubeconfig, context: kind }
    storageClasses: { blockRwo: standard }`;

const releaseValues = (json: TerraformJson, name: string) =>
  JSON.parse(Object.values<any>(resources(json, 'helm_release')).find((r) => r.name === name).values[0]);

describe('placeholders in mapping keys', () => {
  it('fill {block} in the keys of influences, so that every influencing block adds an entry of its own', () => {
    const gateway = entry('gateway', { labels: { kind: 'gateway', version: '1.0.0' } });
    const member = (name: string) =>
      entry(name, {
        influences: [
          {
            target: { matchExpressions: [{ key: 'kind', operator: 'In', values: ['gateway'] }] },
            values: { routes: { '{block}': { path: '/{block}' } } },
          },
        ],
      });
    const { blocks } = resolveBlocks(
      'i',
      [gateway, member('user'), member('mdms'), member('pgr')].map((e) => ({ name: e.name, entry: e, values: {} })),
      { instance: 'i', namespace: 'i', domain: 'example.org' },
    );
    expect(blocks.find((b) => b.name === 'gateway')!.values).toEqual({
      routes: { user: { path: '/user' }, mdms: { path: '/mdms' }, pgr: { path: '/pgr' } },
    });
  });
});

describe('bill of materials and bundles', () => {
  const config = configFromYaml(`
clusters:${EXISTING}
    platform: { monitoring: true }
    sharedBlocks: [valkey]
instances:
  - { name: one, cluster: kind, owner: dev, blocks: [postgresql] }
`);

  it("of a cluster with monitoring lists kube-prometheus-stack's images, not the catalog block named monitoring", () => {
    const bom = billOfMaterials(config, { cluster: 'kind' });
    expect(bom.charts.map((c) => c.name)).toContain('kube-prometheus-stack');
    expect(bom.images).toContain('docker.io/grafana/grafana:13.2.0');
    expect(bom.images).not.toContain('quay.io/prometheus/prometheus:v3.14.0');
  });

  it("of a cluster includes the cluster's shared blocks, and so does its bundle", () => {
    const bom = billOfMaterials(config, { cluster: 'kind' });
    expect(bom.charts).toContainEqual(expect.objectContaining({ name: 'valkey', version: '0.11.0' }));
    expect(bom.images).toContain('docker.io/valkey/valkey:9.1.1');
    const bundle = bundleContents(config, { clusters: ['kind'], instances: [] });
    expect(bundle.charts).toContainEqual(expect.objectContaining({ name: 'valkey', version: '0.11.0' }));
  });

  it("lists the Envoy data-plane image, pins it in Envoy Gateway's values and moves it under the registry mirror", () => {
    expect(billOfMaterials(config, { cluster: 'kind' }).images).toContain(ENVOY_PROXY_IMAGE);
    const mirrored = configFromYaml(`
clusters:${EXISTING}
    platform: { registryMirror: "mirror.internal:5000" }
`);
    const platform = synthJson(buildStacks(mirrored).platforms.get('platform-kind')!);
    const values = releaseValues(platform, 'envoy-gateway');
    expect(values.global).toEqual({
      imageRegistry: 'mirror.internal:5000',
      images: { envoyProxy: { image: ENVOY_PROXY_IMAGE } },
    });
    const bom = billOfMaterials(mirrored, { cluster: 'kind' });
    expect(bom.mirror).toContainEqual({
      source: ENVOY_PROXY_IMAGE,
      mirror: `mirror.internal:5000/${ENVOY_PROXY_IMAGE.split('/').slice(1).join('/')}`,
    });
  });

  it('under a registry mirror lists every image by its source name and by its name in the mirror', () => {
    const mirrored = configFromYaml(`
clusters:${EXISTING}
    platform: { registryMirror: "mirror.internal:5000" }
instances:
  - { name: one, cluster: kind, owner: dev, blocks: [postgresql] }
`);
    const bom = billOfMaterials(mirrored, { instance: 'one' });
    expect(bom.images).toContain('ghcr.io/cloudnative-pg/postgresql:18.3');
    expect(bom.mirror).toContainEqual({
      source: 'ghcr.io/cloudnative-pg/postgresql:18.3',
      mirror: 'mirror.internal:5000/cloudnative-pg/postgresql:18.3',
    });
    expect(bom.mirror!.map((m) => m.source)).toEqual(bom.images);
  });
});

describe('secret manager keys', () => {
  const cluster = (cloud: string) =>
    cloud === 'azure'
      ? `
  - name: c
    cloud: azure
    location: westeurope
    kubernetesVersion: "1.33"
    tenantId: 00000000-0000-4000-8000-000000000001
    adminGroupObjectIds: [00000000-0000-4000-8000-000000000002]`
      : cloud === 'gcp'
        ? `
  - name: c
    cloud: gcp
    project: sandbox-proj
    region: europe-west1`
        : `
  - name: c
    cloud: aws
    region: eu-west-1
    kubernetesVersion: "1.33"
    adminPrincipalArns: [arn:aws:iam::111122223333:role/admin]`;
  const config = (cloud: string, key: string) => `
clusters:${cluster(cloud)}
instances:
  - { name: one, cluster: c, owner: dev, blocks: [postgresql], secrets: [{ name: ca, from: { secretManager: "${key}" } }] }
`;

  it.each([
    ['azure', /Key Vault secret names are 1-127 letters, digits and "-"/],
    ['gcp', /Secret Manager secret ids are 1-255 letters, digits, "_" and "-"/],
  ])('with "/" are refused on %s, whose secret names forbid it', (cloud, message) => {
    expect(configIssues(config(cloud, 'interuss/dss-pool-ca'))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\d+ instances\\[0\\]\\.secrets\\[0\\]\\.from\\.secretManager: .*${message.source}.*interuss/dss-pool-ca`,
        ),
      ),
    ]);
    expect(() => configFromYaml(config(cloud, 'interuss-dss-pool-ca'))).not.toThrow();
  });

  it('with "/" are accepted on AWS, whose Secrets Manager names take it', () => {
    expect(() => configFromYaml(config('aws', 'interuss/dss-pool-ca'))).not.toThrow();
  });
});

describe('cloud resources', () => {
  it('from the cloud are refused together with the cloud mock, which would hand blocks its endpoint for real names', () => {
    const text = `
clusters:
  - name: c
    cloud: aws
    region: eu-west-1
    kubernetesVersion: "1.33"
    adminPrincipalArns: [arn:aws:iam::111122223333:role/admin]
instances:
  - name: one
    cluster: c
    owner: dev
    blocks: [postgresql]
    mocks: [cloud]
    cloudResources: { objectStorage: true }
`;
    expect(configIssues(text)).toEqual([
      expect.stringMatching(
        /^14 instances\[0\]\.cloudResources: .*the cloud mock.*real.*set source: mock, or drop cloud from mocks/,
      ),
    ]);
  });

  it('give blocks the blob service URL of the Azure storage account as cloudStorageAccount', () => {
    const config = configFromYaml(`
clusters:
  - name: az
    cloud: azure
    location: westeurope
    kubernetesVersion: "1.33"
    tenantId: 00000000-0000-4000-8000-000000000001
    adminGroupObjectIds: [00000000-0000-4000-8000-000000000002]
instances:
  - { name: team, cluster: az, owner: dev, blocks: [app], cloudResources: { objectStorage: true } }
catalog:
  - name: app
    labels: { kind: app, version: 1.0.0 }
    chart: { repository: "oci://registry.example.org/charts", name: app, version: 1.0.0 }
    resources: { cpu: 100m, memory: 128Mi }
    inject: { cloudStorageAccount: storage.url }
    images: [registry.example.org/app:1.0.0]
`);
    const json = synthJson(buildStacks(config).instances.get('instance-team')!);
    expect(releaseValues(json, 'app').storage.url).toMatch(/^https:\/\/st[a-z0-9]+\.blob\.core\.windows\.net$/);
  });
});

describe('daily cost', () => {
  const AWS = `
  - name: aws
    cloud: aws
    region: eu-west-1
    kubernetesVersion: "1.33"
    adminPrincipalArns: [arn:aws:iam::111122223333:role/admin]
    allowProtectedInstances: true
    allowTcpExposure: true
    platform: { externalDns: { zoneId: Z0123456789ABC } }
    sharedBlocks: [valkey]`;
  const config = configFromYaml(`
clusters:${AWS}
instances:
  - { name: plain, cluster: aws, owner: dev, blocks: [keycloak, postgresql] }
  - { name: managed, cluster: aws, owner: dev, blocks: [keycloak], database: { source: managed, engine: postgresql } }
  - { name: office, cluster: aws, owner: dev, blocks: [keycloak, postgresql], workingHours: Mon-Fri 07:00-19:00 Europe/Berlin }
  - { name: user-a, cluster: aws, owner: dev, blocks: [postgresql], uses: [valkey] }
  - { name: user-b, cluster: aws, owner: dev, blocks: [postgresql], uses: [valkey] }
  - { name: member, cluster: aws, owner: dev, blocks: [postgresql], secrets: [{ name: ca, from: { secretManager: pool/ca } }] }
  - { name: member-2, cluster: aws, owner: dev, blocks: [postgresql], secrets: [{ name: ca, from: { secretManager: pool/ca } }] }
instanceGroups:
  - { name: pool, members: [member, member-2], expose: { port: 26257, selector: { app: db } }, ca: { secret: ca } }
`);
  const cost = (name: string) =>
    dailyCost(
      config.clusters[0],
      config.instances!.find((i) => i.name === name)!,
      config,
    );
  const plain = cost('plain').usd!;

  it("adds the instance's managed database server", () => {
    const managed = cost('managed');
    expect(managed.usd!).toBeGreaterThan(plain + 0.3);
    expect(managed.basis).toMatch(/managed postgresql db\.t4g\.micro, 20 GiB/);
  });

  it('counts compute only for the working hours, storage all day', () => {
    const office = cost('office');
    expect(office.usd!).toBeLessThan(plain * 0.5);
    expect(office.basis).toMatch(/awake 60 of 168 hours a week/);
  });

  it('adds a share of each shared block it uses, split among the instances that use it', () => {
    const user = cost('user-a');
    const alone = dailyCost(config.clusters[0], { ...config.instances![3], uses: [] }, config);
    expect(user.usd!).toBeGreaterThan(alone.usd!);
    expect(user.basis).toMatch(/1\/2 of shared valkey/);
  });

  it("adds a member's load balancer", () => {
    const member = cost('member');
    const alone = dailyCost(config.clusters[0], { ...config.instances![5], name: 'loner' }, config);
    expect(member.usd! - alone.usd!).toBeCloseTo(PRICES.aws.loadBalancerDay, 2);
    expect(member.basis).toMatch(/1 load balancer/);
  });
});

describe('quota', () => {
  const config = (replicas: number) => `
clusters:${EXISTING}
instances:
  - name: one
    cluster: kind
    owner: dev
    blocks: [postgresql, { name: keycloak, values: { replicas: ${replicas} } }]
`;

  it('counts replicas an instance raises in its values', () => {
    expect(() => configFromYaml(config(2))).not.toThrow();
    expect(configIssues(config(8))).toEqual([
      expect.stringMatching(/^\d+ instances\[0\]\.size: .*requests 4.25 CPU.*over: requests\.cpu/),
    ]);
  });
});

describe('database offers', () => {
  it('refuse perConsumer: {}, which would give consumers Secrets for users nobody creates', () => {
    const text = `
clusters:${EXISTING}
catalog:
  - name: mydb
    labels: { kind: database, provides-postgresql: "true", version: 16.0.0 }
    chart: { repository: https://charts.example.org, name: mydb, version: 1.0.0 }
    resources: { cpu: 100m, memory: 128Mi }
    provides:
      database:
        engine: postgresql
        service: "{block}"
        port: 5432
        seed: { database: app, username: app, secret: "{block}-app", passwordKey: password }
        perConsumer: {}
        uri: postgresql://{username}:{password}@{host}:{port}/{database}
    images: []
`;
    expect(configIssues(text)).toEqual([
      expect.stringMatching(/catalog\[0\]\.provides\.database\.perConsumer: must create each consumer's user/),
    ]);
  });
});

describe('state', () => {
  it('keeps an absolute local state directory absolute', () => {
    const config = configFromYaml(`
state: { backend: local, directory: /var/lib/sandboxkit/state }
clusters:${EXISTING}
instances:
  - { name: one, cluster: kind, owner: dev, blocks: [postgresql] }
`);
    const json = synthJson(buildStacks(config).instances.get('instance-one')!);
    expect(json.terraform!.backend.local.path).toBe('/var/lib/sandboxkit/state/instance-one.tfstate');
    const relative = synthJson(buildStacks(configFromYaml(`clusters:${EXISTING}`)).platforms.get('platform-kind')!);
    expect(relative.terraform!.backend.local.path).toBe(join('../../..', 'state', 'platform-kind.tfstate'));
  });
});
