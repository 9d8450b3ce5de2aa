import { ACME_REFUSAL } from '../../config/semantics';
import {
  buildStacks,
  configIssues,
  exampleWith,
  MINIMAL_YAML,
  resources,
  synthJson,
  type TerraformJson,
} from '../fixtures';

const stacks = buildStacks();
const json = (cluster: string) => synthJson(stacks.platforms.get(`platform-${cluster}`)!);
const aws = json('aws-main');
const azure = json('azure-main');
const gcp = json('gcp-main');
const laptop = json('laptop');
const releases = (j: TerraformJson) =>
  Object.fromEntries(Object.values(resources(j, 'helm_release')).map((r: any) => [r.name, r]));
const values = (j: TerraformJson, name: string) => JSON.parse(releases(j)[name].values[0]);
const platformResources = (j: TerraformJson) => values(j, 'platform-resources');
const storageClasses = (j: TerraformJson) =>
  Object.fromEntries(Object.values(resources(j, 'kubernetes_storage_class_v1')).map((s: any) => [s.metadata.name, s]));

describe('platform stack', () => {
  it('matches the snapshot', () => {
    expect(aws).toMatchSnapshot();
  });

  it('installs the same services on every cloud, adding what each cloud lacks', () => {
    const common = [
      'cert-manager',
      'cnpg',
      'envoy-gateway',
      'instance-reaper',
      'platform-resources',
      'tenant-policies',
    ];
    expect(Object.keys(releases(aws)).sort()).toEqual(
      [...common, 'cluster-autoscaler', 'external-secrets', 'metrics-server'].sort(),
    );
    expect(Object.keys(releases(azure)).sort()).toEqual([...common, 'external-secrets'].sort());
    expect(Object.keys(releases(gcp)).sort()).toEqual([...common, 'external-secrets'].sort());
    expect(Object.keys(releases(laptop)).sort()).toEqual([...common, 'external-secrets'].sort());
  });

  it("opens kube-system and every platform namespace with an allow-all policy where the VPC CNI's strict mode denies pods no policy selects", () => {
    const policies = Object.values(resources(aws, 'kubernetes_network_policy_v1')) as any[];
    const platformNamespaces = (Object.values(resources(aws, 'kubernetes_namespace_v1')) as any[]).map(
      (n) => n.metadata.name,
    );
    expect(policies.map((p) => p.metadata.namespace).sort()).toEqual(['kube-system', ...platformNamespaces].sort());
    for (const p of policies) {
      expect(p.metadata.name).toBe('sandbox-allow-all');
      expect(p.spec).toEqual({ pod_selector: {}, policy_types: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] });
    }
    for (const j of [azure, gcp, laptop]) expect(resources(j, 'kubernetes_network_policy_v1')).toEqual({});
  });

  it('plans no custom resource itself: objects that need CRDs come in a chart installed after their operators', () => {
    for (const j of [aws, azure, gcp, laptop]) {
      expect(resources(j, 'kubernetes_manifest')).toEqual({});
      const after = releases(j)['platform-resources'].depends_on as string[];
      const operators = ['envoy-gateway', 'cert-manager', 'external-secrets'];
      const addressOf = (name: string) =>
        Object.entries(resources(j, 'helm_release')).find(([, r]: any) => r.name === name)![0];
      expect(after.sort()).toEqual(operators.map((o) => `helm_release.${addressOf(o)}`).sort());
    }
  });

  it('serves one shared Gateway that accepts listeners from instance namespaces only', () => {
    expect(platformResources(laptop)).toMatchObject({
      domain: 'sandbox.localhost',
      gateway: { className: 'sandbox', name: 'sandbox' },
    });
    expect(releases(laptop)['platform-resources'].namespace).toBe('sandbox-gateway');
    expect(releases(laptop)['envoy-gateway']).toMatchObject({
      namespace: 'sandbox-gateway',
      chart: 'gateway-helm',
      version: 'v1.9.0',
    });
  });

  it('installs the CloudNativePG operator with its CRDs for instance databases', () => {
    expect(releases(aws).cnpg).toMatchObject({ namespace: 'cnpg-system', chart: 'cloudnative-pg', version: '0.29.0' });
    expect(values(aws, 'cnpg').crds).toEqual({ create: true });
  });

  it('pins every chart version exactly', () => {
    for (const j of [aws, azure, gcp, laptop]) {
      for (const r of Object.values(releases(j)) as any[]) expect(r.version).toMatch(/^v?\d+\.\d+\.\d+$/);
    }
  });

  describe('secrets', () => {
    it('give the operator its cloud identity through its service account, per cloud', () => {
      expect(values(aws, 'external-secrets').serviceAccount).toEqual({
        create: true,
        name: 'external-secrets',
        annotations: { 'eks.amazonaws.com/role-arn': expect.stringMatching(/data\.aws_iam_role\.[^.]+\.arn/) },
      });
      expect(
        Object.values(aws.data!.aws_iam_role)
          .map((r: any) => r.name)
          .sort(),
      ).toEqual(['sandbox-aws-main-cluster-autoscaler', 'sandbox-aws-main-secret-operator']);
      expect(values(azure, 'external-secrets')).toMatchObject({
        serviceAccount: {
          annotations: { 'azure.workload.identity/client-id': expect.stringMatching(/azurerm_user_assigned_identity/) },
        },
        podLabels: { 'azure.workload.identity/use': 'true' },
      });
      expect(values(gcp, 'external-secrets').serviceAccount.annotations).toEqual({
        'iam.gke.io/gcp-service-account': 'gcp-main-secrets@sandboxkit-demo.iam.gserviceaccount.com',
      });
    });

    it('serve a ClusterSecretStore of the cloud kind to platform namespaces only', () => {
      const store = (j: TerraformJson) => platformResources(j).secretStore;
      expect(Object.keys(store(aws).provider)).toEqual(['aws']);
      expect(Object.keys(store(azure).provider)).toEqual(['azurekv']);
      expect(Object.keys(store(gcp).provider)).toEqual(['gcpsm']);
      expect(store(laptop)).toEqual({ enabled: false });
      expect(store(aws)).toMatchObject({
        enabled: true,
        name: 'sandbox-secrets',
        namespaceLabel: 'sandbox.dev/platform',
      });
    });

    it('use no static cloud credentials anywhere', () => {
      for (const j of [aws, azure, gcp, laptop]) {
        expect(JSON.stringify(j)).not.toMatch(
          /access_key|secret_key|client_secret|AKIA[0-9A-Z]{16}|credentials_json|private_key/i,
        );
      }
    });
  });

  it('creates storage classes encrypted with the cluster keys, deleted with their claims', () => {
    expect(storageClasses(aws)['gp3-encrypted']).toMatchObject({
      storage_provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: expect.stringMatching(/data\.aws_kms_alias/) },
      reclaim_policy: 'Delete',
      volume_binding_mode: 'WaitForFirstConsumer',
      metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    });
    expect(storageClasses(aws)['efs-shared'].parameters.fileSystemId).toMatch(/data\.aws_efs_file_system/);
    expect(storageClasses(azure)['managed-csi-premium-encrypted'].parameters).toMatchObject({
      diskEncryptionType: 'EncryptionAtRestWithCustomerKey',
    });
    expect(storageClasses(gcp)['pd-balanced-cmek'].parameters['disk-encryption-kms-key']).toBe(
      'projects/sandboxkit-demo/locations/europe-west1/keyRings/gcp-main-keys/cryptoKeys/gcp-main-disks',
    );
    expect(storageClasses(laptop)).toEqual({});
  });

  it('keeps the gateway load balancer private on each cloud unless asked', () => {
    const annotations = (j: TerraformJson) => platformResources(j).gateway.serviceAnnotations;
    expect(annotations(aws)).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
      'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
    });
    expect(annotations(azure)).toEqual({ 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' });
    expect(annotations(gcp)).toEqual({ 'networking.gke.io/load-balancer-type': 'Internal' });
    const pub = synthJson(
      buildStacks(exampleWith((c) => (c.clusters[0].platform = { publicIngress: true }))).platforms.get(
        'platform-aws-main',
      )!,
    );
    expect(annotations(pub)).toEqual({});
  });

  it('issues certificates from the sandbox CA, whose key pair lives where cert-manager reads ClusterIssuer Secrets', () => {
    for (const j of [aws, azure, gcp, laptop]) {
      expect(platformResources(j).issuer).toEqual({ name: 'sandbox-issuer', clusterResourceNamespace: 'cert-manager' });
      expect(values(j, 'cert-manager').clusterResourceNamespace).toBe('cert-manager');
      expect(releases(j)['cert-manager'].namespace).toBe('cert-manager');
    }
    expect(values(aws, 'cert-manager').config.gatewayAPI).toEqual({ enabled: true });
  });

  it('refuses ACME, which cannot issue the wildcard instance certificates without DNS-01', () => {
    const yaml = MINIMAL_YAML.replace(
      'storageClasses: { blockRwo: standard }',
      'storageClasses: { blockRwo: standard }\n    platform: { acme: { email: ops@example.org } }',
    );
    expect(configIssues(yaml, (i) => `${i.line} ${i.path}: ${i.message}`)).toEqual([
      `7 clusters[0].platform.acme: ${ACME_REFUSAL}`,
    ]);
  });

  it('installs external-secrets on every cluster, with the cloud identity where the cloud has a secret manager', () => {
    expect(values(laptop, 'external-secrets').serviceAccount).toEqual({
      create: true,
      name: 'external-secrets',
      annotations: {},
    });
    expect(values(laptop, 'platform-resources').secretStore).toEqual({ enabled: false });
  });

  it('runs cluster-autoscaler on EKS with its IRSA role scoped to this cluster node groups', () => {
    expect(values(aws, 'cluster-autoscaler')).toMatchObject({
      autoDiscovery: { clusterName: 'aws-main' },
      awsRegion: 'eu-west-1',
      rbac: {
        serviceAccount: {
          name: 'cluster-autoscaler',
          annotations: { 'eks.amazonaws.com/role-arn': expect.stringMatching(/data\.aws_iam_role/) },
        },
      },
    });
    const cluster = synthJson(stacks.clusters.get('cluster-aws-main')!);
    const docs = Object.entries(cluster.data!.aws_iam_policy_document as Record<string, any>);
    const policy = docs.find(([id]) => id.includes('ClusterAutoscalerRole_PolicyDocument'))![1];
    expect(policy.statement[0].condition).toEqual([
      { test: 'StringEquals', variable: 'aws:ResourceTag/k8s.io/cluster-autoscaler/aws-main', values: ['owned'] },
    ]);
  });

  it('installs the reaper with its schedule from the config', () => {
    expect(values(aws, 'instance-reaper')).toEqual({ schedule: '*/15 * * * *' });
    const own = synthJson(
      buildStacks(exampleWith((c) => (c.clusters[3].platform = { reaperSchedule: '0 * * * *' }))).platforms.get(
        'platform-laptop',
      )!,
    );
    expect(values(own, 'instance-reaper')).toEqual({ schedule: '0 * * * *' });
  });

  it('adds monitoring and a registry mirror only when switched on', () => {
    const on = synthJson(
      buildStacks(
        exampleWith((c) => (c.clusters[2].platform = { monitoring: true, registryMirror: 'mirror.internal:5000' })),
      ).platforms.get('platform-gcp-main')!,
    );
    expect(releases(on).monitoring).toMatchObject({ chart: 'kube-prometheus-stack', version: '88.5.3' });
    expect(values(on, 'monitoring').grafana.admin).toEqual({
      existingSecret: 'grafana-admin',
      userKey: 'admin-user',
      passwordKey: 'admin-password',
    });
    expect(values(on, 'envoy-gateway').global).toMatchObject({ imageRegistry: 'mirror.internal:5000' });
    expect(values(on, 'cert-manager').imageRegistry).toBe('mirror.internal:5000');
    expect(values(on, 'instance-reaper').global).toEqual({ imageRegistry: 'mirror.internal:5000' });
    expect(releases(gcp).monitoring).toBeUndefined();
  });

  it('labels platform namespaces so that only they may use the cluster-wide store', () => {
    for (const ns of Object.values(resources(aws, 'kubernetes_namespace_v1')) as any[])
      expect(ns.metadata.labels['sandbox.dev/platform']).toBe('true');
  });
});
