import { KAFKA_INSTANCE_KINDS, KAFKA_OPERATOR_NAMESPACE } from '../../constructs/platform/kafka-operator';
import { buildStacks, configFromYaml, configIssues, resources, synthJson, type TerraformJson } from '../fixtures';

/* DIGIT's Kafka (through the platform's Strimzi operator) and OpenSearch as built-in blocks. */

const cluster = (platform: string) => `
clusters:
  - name: kind
    cloud: existing
    connection: { kind: kubeconfig, path: /tmp/kubeconfig, context: kind }
    storageClasses: { blockRwo: standard }
    ingressDomain: sandbox.test
    platform: ${platform}
`;

const release = (json: TerraformJson, name: string) =>
  Object.values<any>(resources(json, 'helm_release')).find((r) => r.name === name);
const values = (json: TerraformJson, name: string) => JSON.parse(release(json, name).values[0]);

describe('the Strimzi operator in the platform', () => {
  it('is installed with platform.kafka, watching every namespace, with restricted operand pods', () => {
    const on = synthJson(
      buildStacks(configFromYaml(cluster('{ kafka: true, registryMirror: "m.internal:5000" }'))).platforms.get(
        'platform-kind',
      )!,
    );
    expect(release(on, 'strimzi')).toMatchObject({
      namespace: KAFKA_OPERATOR_NAMESPACE,
      chart: 'strimzi-kafka-operator',
      version: '1.2.0',
      repository: 'oci://quay.io/strimzi-helm',
    });
    expect(values(on, 'strimzi')).toMatchObject({
      watchAnyNamespace: true,
      defaultImageRegistry: 'm.internal:5000',
      extraEnvs: [{ name: 'STRIMZI_POD_SECURITY_PROVIDER_CLASS', value: 'restricted' }],
    });
    // The CRDs come with the operator (chart crds/); instance releases skip them.
    expect(release(on, 'strimzi').skip_crds).toBeFalsy();
    const role = Object.values<any>(resources(on, 'kubernetes_cluster_role_v1')).find(
      (r) => r.metadata.name === 'sandbox-instance-deployer-kafka',
    );
    expect(role.metadata.labels['sandbox.dev/aggregate-to-instance-deployer']).toBe('true');
    expect(role.rule).toEqual([
      {
        api_groups: ['kafka.strimzi.io'],
        resources: [...KAFKA_INSTANCE_KINDS],
        verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
      },
    ]);
    const off = synthJson(buildStacks(configFromYaml(cluster('{}'))).platforms.get('platform-kind')!);
    expect(release(off, 'strimzi')).toBeUndefined();
  });

  it('is what the kafka block requires of its cluster', () => {
    const text = `${cluster('{}')}instances:\n  - { name: one, cluster: kind, owner: dev, blocks: [kafka] }\n`;
    expect(configIssues(text)).toEqual([
      expect.stringMatching(
        /instances\[0\]\.blocks\[0\]: block "kafka" requires a cluster with the platform's Strimzi operator \(platform\.kafka: true\) \(operator\/strimzi Exists\)/,
      ),
    ]);
  });
});

describe('the kafka block', () => {
  const config = configFromYaml(`${cluster('{ kafka: true }')}instances:
  - name: one
    cluster: kind
    owner: dev
    blocks:
      - name: kafka
        values:
          topics: [{ name: egov.core.notification.sms, partitions: 3 }]
          users: [{ name: pgr, acls: [{ resource: { type: topic, name: pgr, patternType: prefix }, operations: [Read, Write] }] }]
`);
  const json = synthJson(buildStacks(config).instances.get('instance-one')!);

  it('declares the cluster, its topics and users from the config, with a generated client password', () => {
    expect(release(json, 'kafka').chart).toMatch(/SandboxkitChart-kafka-\w+\/\w+\/kafka-\w+\.tgz$/);
    expect(values(json, 'kafka')).toMatchObject({
      nodes: { storage: { storageClass: 'standard' } },
      topics: [{ name: 'egov.core.notification.sms', partitions: 3 }],
      users: [{ name: 'pgr' }],
    });
    const secret = Object.values<any>(resources(json, 'kubernetes_secret_v1')).find(
      (s) => s.metadata.name === 'kafka-credentials',
    );
    expect(Object.keys(secret.data)).toEqual(['client-password']);
    expect(secret.data['client-password']).toMatch(/^\$\{random_password\./);
  });

  it('lets the entity operator, and only it, reach the Kubernetes API', () => {
    const policy = Object.values<any>(resources(json, 'kubernetes_network_policy_v1')).find(
      (p) => p.metadata.name === 'allow-api-server-kafka',
    );
    expect(policy.spec).toEqual({
      pod_selector: { match_labels: { 'strimzi.io/name': 'kafka-entity-operator' } },
      policy_types: ['Egress'],
      egress: [
        {
          ports: [
            { port: '443', protocol: 'TCP' },
            { port: '6443', protocol: 'TCP' },
          ],
        },
      ],
    });
    expect(release(json, 'kafka').depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/kubernetes_network_policy_v1\.Instance_ApiAccess_kafka/)]),
    );
  });
});

describe('the opensearch blocks', () => {
  const config = configFromYaml(`${cluster('{}')}instances:
  - { name: one, cluster: kind, owner: dev, blocks: [opensearch, opensearch-dashboards] }
`);
  const json = synthJson(buildStacks(config).instances.get('instance-one')!);

  it('run one node without mmap, a root init container or an unset admin password', () => {
    const v = values(json, 'opensearch');
    expect(v).toMatchObject({ singleNode: true, persistence: { enableInitChown: false, storageClass: 'standard' } });
    expect(v.config['opensearch.yml']).toMatch(/node\.store\.allow_mmap: false/);
    expect(v.sysctlInit).toBeUndefined();
    expect(v.extraEnvs).toEqual([
      {
        name: 'OPENSEARCH_INITIAL_ADMIN_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'opensearch-credentials', key: 'password' } },
      },
    ]);
    const secret = Object.values<any>(resources(json, 'kubernetes_secret_v1')).find(
      (s) => s.metadata.name === 'opensearch-credentials',
    );
    expect(secret.data.password).toMatch(/^\$\{random_password\.[^}]+\}-0s$/);
  });

  it("give the dashboards the node's address and admin account through the opensearch block's outputs", () => {
    expect(values(json, 'opensearch-dashboards')).toMatchObject({
      opensearchHosts: 'https://opensearch.one.svc.cluster.local:9200',
      extraEnvs: [
        { name: 'OPENSEARCH_USERNAME', value: 'admin' },
        {
          name: 'OPENSEARCH_PASSWORD',
          valueFrom: { secretKeyRef: { name: 'opensearch-credentials', key: 'password' } },
        },
      ],
    });
  });

  it('leave the dashboards out unless asked for: they are a block of their own, and need the search block', () => {
    const text = `${cluster('{}')}instances:\n  - { name: one, cluster: kind, owner: dev, blocks: [opensearch-dashboards] }\n`;
    expect(configIssues(text)).toEqual([expect.stringMatching(/requires an OpenSearch \(Elasticsearch-compatible\)/)]);
  });
});
