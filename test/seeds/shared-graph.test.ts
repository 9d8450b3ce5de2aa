import { buildStacks, configFromYaml, configIssues, resources, synthJson, type TerraformJson } from '../fixtures';

/*
 * Shared blocks in the requirement graph: a strong requirement met by a block the instance uses, one consumer entry
 * wired to an in-instance or a shared provider by config alone, influences to and from shared blocks, and shared
 * blocks that need a database or serve a hostname.
 */

const values = (json: TerraformJson, name: string) =>
  JSON.parse(Object.values<any>(resources(json, 'helm_release')).find((r) => r.name === name).values[0]);

const CLUSTER = `
clusters:
  - name: digit
    cloud: existing
    connection: { kind: kubeconfig, path: /tmp/kubeconfig, context: digit }
    storageClasses: { blockRwo: standard }
    ingressDomain: digit.test
    platform: { kafka: true }
    sharedBlocks: [kafka, postgresql, keycloak, monitoring]
catalog:
  - name: egov-user
    labels: { kind: digit-service, version: 2.9.0 }
    chart: { repository: https://charts.example.org/egov, name: egov-user, version: 2.9.0 }
    resources: { cpu: 100m, memory: 128Mi }
    requires:
      strong: [{ description: a Kafka event bus, matchExpressions: [{ key: provides-kafka, operator: Exists }] }]
      weak: [{ description: metrics scraping, matchExpressions: [{ key: kind, operator: In, values: [monitoring] }] }]
    inputs:
      kafka.bootstrapServers: bootstrapServers
      kafka.user: kafkaUser
      kafka.passwordSecret: kafkaPasswordSecret
    influences:
      - target: { matchExpressions: [{ key: kind, operator: In, values: [monitoring] }] }
        values:
          serverFiles:
            prometheus.yml:
              scrape_configs: [{ job_name: "{instance}-{block}", static_configs: [{ targets: ["{block}.{namespace}.svc.cluster.local:8080"] }] }]
    images: [docker.io/egovio/egov-user:v2.9.0]
`;

describe('shared blocks in the requirement graph', () => {
  const config = configFromYaml(`${CLUSTER}
instances:
  - { name: uat, cluster: digit, owner: qa, blocks: [egov-user], uses: [kafka, monitoring] }
  - { name: feature, cluster: digit, owner: dev, blocks: [kafka, egov-user] }
`);
  const stacks = buildStacks(config);
  const uat = synthJson(stacks.instances.get('instance-uat')!);
  const feature = synthJson(stacks.instances.get('instance-feature')!);
  const shared = synthJson(stacks.shared.get('shared-digit')!);

  it('meet a strong requirement with a block the instance uses, installed before it by its own stack', () => {
    expect(Object.values<any>(resources(uat, 'helm_release')).map((r) => r.name)).toEqual(['egov-user']);
  });

  it('wire one consumer entry to a shared or an in-instance provider by config alone: address and credentials', () => {
    expect(values(uat, 'egov-user').kafka).toEqual({
      bootstrapServers: 'kafka-kafka-bootstrap.shared-kafka.svc.cluster.local:9092',
      user: 'kafka-client',
      passwordSecret: 'shared-kafka-credentials',
    });
    expect(values(feature, 'egov-user').kafka).toEqual({
      bootstrapServers: 'kafka-kafka-bootstrap.feature.svc.cluster.local:9092',
      user: 'kafka-client',
      passwordSecret: 'kafka-credentials',
    });
    // The copy of the shared password is made in the user's namespace, from the shared block's own Secret.
    const copy = Object.values<any>(resources(uat, 'kubernetes_manifest')).find(
      (m) => m.manifest.kind === 'ExternalSecret' && m.manifest.metadata.name === 'shared-kafka-credentials',
    );
    expect(copy.manifest.spec.dataFrom).toEqual([{ extract: { key: 'kafka-credentials' } }]);
  });

  it("let the instances' blocks influence the shared blocks they use (a scrape job per user instance)", () => {
    const jobs = values(shared, 'monitoring').serverFiles['prometheus.yml'].scrape_configs.map((j: any) => j.job_name);
    expect(jobs).toContain('uat-egov-user');
    expect(jobs).not.toContain('feature-egov-user');
  });

  it('admit only the users of a shared Kafka to its listener, which Strimzi writes a policy for', () => {
    expect(values(shared, 'kafka').listenerPeers).toEqual([
      { podSelector: {} },
      {
        namespaceSelector: {
          matchLabels: { 'sandbox.dev/uses-kafka': 'true', 'app.kubernetes.io/managed-by': 'sandboxkit' },
        },
      },
    ]);
  });

  it('give a shared block that needs a database its own on the shared database block, across the two namespaces', () => {
    expect(values(shared, 'keycloak').database).toMatchObject({
      hostname: 'postgresql-rw.shared-postgresql.svc.cluster.local',
      database: 'keycloak',
      username: 'keycloak',
      existingSecret: 'keycloak-database',
    });
    expect(values(shared, 'postgresql').cluster.roles).toEqual([
      { name: 'keycloak', ensure: 'present', login: true, passwordSecret: { name: 'keycloak-database' } },
    ]);
    const secrets = Object.values<any>(resources(shared, 'kubernetes_secret_v1')).filter(
      (s) => s.metadata.name === 'keycloak-database',
    );
    expect(secrets.map((s) => s.metadata.namespace).sort()).toEqual([
      expect.stringMatching(/^\$\{kubernetes_namespace_v1\.Shared-keycloak_Namespace_\w+\.metadata\[0\]\.name\}$/),
      expect.stringMatching(/^\$\{kubernetes_namespace_v1\.Shared-postgresql_Namespace_\w+\.metadata\[0\]\.name\}$/),
    ]);
    const keycloakNs = Object.values<any>(resources(shared, 'kubernetes_namespace_v1')).find(
      (n) => n.metadata.name === 'shared-keycloak',
    );
    expect(keycloakNs.metadata.labels['sandbox.dev/uses-postgresql']).toBe('true');
  });

  it('serve a shared block at <block>.shared.<domain> through a listener of its own', () => {
    const listener = Object.values<any>(resources(shared, 'kubernetes_manifest')).find(
      (m) => m.manifest.kind === 'ListenerSet',
    );
    expect(listener.manifest.spec.listeners[0].hostname).toBe('keycloak.shared.digit.test');
    const route = Object.values<any>(resources(shared, 'kubernetes_manifest')).find(
      (m) => m.manifest.kind === 'HTTPRoute',
    );
    expect(route.manifest.spec.hostnames).toEqual(['keycloak.shared.digit.test']);
    const ns = Object.values<any>(resources(shared, 'kubernetes_namespace_v1')).find(
      (n) => n.metadata.name === 'shared-keycloak',
    );
    expect(ns.metadata.labels).toMatchObject({ 'sandbox.dev/instance': 'shared', 'sandbox.dev/protected': 'true' });
  });

  it('install external-secrets, which copies the credentials, on an existing cluster that shares blocks', () => {
    const release = Object.values<any>(
      resources(synthJson(stacks.platforms.get('platform-digit')!), 'helm_release'),
    ).find((r) => r.name === 'external-secrets');
    expect(release).toMatchObject({ chart: 'external-secrets', namespace: 'external-secrets' });
    // No cloud identity on an existing cluster: only the Kubernetes provider's stores.
    expect(JSON.parse(release.values[0]).serviceAccount).toEqual({
      create: true,
      name: 'external-secrets',
      annotations: {},
    });
  });

  it('refuse a shared block whose database no shared block provides, and instance names the shared blocks hold', () => {
    const text = CLUSTER.replace('[kafka, postgresql, keycloak, monitoring]', '[kafka, keycloak]').concat(`
instances:
  - { name: shared, cluster: digit, owner: dev, blocks: [kafka] }
  - { name: x, namespace: shared-kafka, cluster: digit, owner: dev, blocks: [kafka] }
`);
    expect(configIssues(text)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/clusters\[0\]\.sharedBlocks\[1\]: "keycloak" needs a postgresql database/),
        expect.stringMatching(/clusters\[0\]\.sharedBlocks\[1\]: shared block "keycloak" requires a PostgreSQL/),
        expect.stringMatching(/instances\[0\]\.name: "shared" is reserved/),
        expect.stringMatching(/instances\[1\]\.namespace: "shared-kafka" is the namespace of a shared block/),
      ]),
    );
  });
});
