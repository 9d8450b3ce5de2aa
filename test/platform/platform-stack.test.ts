import { buildStacks, exampleWith, resources, synthJson, type TerraformJson } from '../fixtures';

const stacks = buildStacks();
const json = (cluster: string) => synthJson(stacks.platforms.get(`platform-${cluster}`)!);
const aws = json('aws-main');
const azure = json('azure-main');
const gcp = json('gcp-main');
const laptop = json('laptop');
const releases = (j: TerraformJson) => Object.fromEntries(Object.values(resources(j, 'helm_release')).map((r: any) => [r.name, r]));
const values = (j: TerraformJson, name: string) => JSON.parse(releases(j)[name].values[0]);
const manifests = (j: TerraformJson) => Object.values(resources(j, 'kubernetes_manifest')).map((m: any) => m.manifest);
const storageClasses = (j: TerraformJson) => Object.fromEntries(Object.values(resources(j, 'kubernetes_storage_class_v1')).map((s: any) => [s.metadata.name, s]));

describe('platform stack', () => {
  it('matches the snapshot', () => {
    expect(aws).toMatchSnapshot();
  });

  it('installs the same services on every cloud, adding what each cloud lacks', () => {
    expect(Object.keys(releases(aws)).sort()).toEqual(['cert-manager', 'cluster-autoscaler', 'external-secrets', 'ingress-nginx', 'instance-reaper', 'metrics-server']);
    expect(Object.keys(releases(azure)).sort()).toEqual(['cert-manager', 'external-secrets', 'ingress-nginx', 'instance-reaper']);
    expect(Object.keys(releases(gcp)).sort()).toEqual(['cert-manager', 'external-secrets', 'ingress-nginx', 'instance-reaper']);
    expect(Object.keys(releases(laptop)).sort()).toEqual(['cert-manager', 'ingress-nginx', 'instance-reaper']);
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
      expect(Object.values(aws.data!.aws_iam_role).map((r: any) => r.name).sort()).toEqual(['sandbox-aws-main-cluster-autoscaler', 'sandbox-aws-main-secret-operator']);
      expect(values(azure, 'external-secrets')).toMatchObject({
        serviceAccount: { annotations: { 'azure.workload.identity/client-id': expect.stringMatching(/azurerm_user_assigned_identity/) } },
        podLabels: { 'azure.workload.identity/use': 'true' },
      });
      expect(values(gcp, 'external-secrets').serviceAccount.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'gcp-main-secrets@sandboxkit-demo.iam.gserviceaccount.com' });
    });

    it('serve a ClusterSecretStore of the cloud kind to platform namespaces only', () => {
      const store = (j: TerraformJson) => manifests(j).find((m) => m.kind === 'ClusterSecretStore');
      expect(Object.keys(store(aws).spec.provider)).toEqual(['aws']);
      expect(Object.keys(store(azure).spec.provider)).toEqual(['azurekv']);
      expect(Object.keys(store(gcp).spec.provider)).toEqual(['gcpsm']);
      expect(store(laptop)).toBeUndefined();
      expect(store(aws).spec.conditions).toEqual([{ namespaceSelector: { matchLabels: { 'sandbox.dev/platform': 'true' } } }]);
    });

    it('use no static cloud credentials anywhere', () => {
      for (const j of [aws, azure, gcp, laptop]) {
        expect(JSON.stringify(j)).not.toMatch(/access_key|secret_key|client_secret|AKIA[0-9A-Z]{16}|credentials_json|private_key/i);
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
    expect(storageClasses(azure)['managed-csi-premium-encrypted'].parameters).toMatchObject({ diskEncryptionType: 'EncryptionAtRestWithCustomerKey' });
    expect(storageClasses(gcp)['pd-balanced-cmek'].parameters['disk-encryption-kms-key']).toBe(
      'projects/sandboxkit-demo/locations/europe-west1/keyRings/gcp-main-keys/cryptoKeys/gcp-main-disks',
    );
    expect(storageClasses(laptop)).toEqual({});
  });

  it('keeps the ingress load balancer private on each cloud unless asked', () => {
    expect(values(aws, 'ingress-nginx').controller.service.annotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
      'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
    });
    expect(values(azure, 'ingress-nginx').controller.service.annotations).toEqual({ 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' });
    expect(values(gcp, 'ingress-nginx').controller.service.annotations).toEqual({ 'networking.gke.io/load-balancer-type': 'Internal' });
    const pub = synthJson(buildStacks(exampleWith((c) => (c.clusters[0].platform = { publicIngress: true }))).platforms.get('platform-aws-main')!);
    expect(values(pub, 'ingress-nginx').controller.service.annotations).toEqual({});
  });

  it('issues certificates from a sandbox CA by default, from ACME when asked', () => {
    const issuers = (j: TerraformJson) => manifests(j).filter((m) => m.kind === 'ClusterIssuer').map((m) => [m.metadata.name, Object.keys(m.spec)[0]]);
    expect(issuers(aws).sort()).toEqual([
      ['sandbox-issuer', 'ca'],
      ['sandbox-selfsigned', 'selfSigned'],
    ]);
    const acme = synthJson(buildStacks(exampleWith((c) => (c.clusters[1].platform = { acme: { email: 'ops@example.org' } }))).platforms.get('platform-azure-main')!);
    expect(issuers(acme)).toEqual([['sandbox-issuer', 'acme']]);
    expect(manifests(acme).find((m) => m.kind === 'ClusterIssuer').spec.acme).toMatchObject({ email: 'ops@example.org', server: 'https://acme-v02.api.letsencrypt.org/directory' });
  });

  it('runs cluster-autoscaler on EKS with its IRSA role scoped to this cluster node groups', () => {
    expect(values(aws, 'cluster-autoscaler')).toMatchObject({
      autoDiscovery: { clusterName: 'aws-main' },
      awsRegion: 'eu-west-1',
      rbac: { serviceAccount: { name: 'cluster-autoscaler', annotations: { 'eks.amazonaws.com/role-arn': expect.stringMatching(/data\.aws_iam_role/) } } },
    });
    const cluster = synthJson(stacks.clusters.get('cluster-aws-main')!);
    const docs = Object.entries(cluster.data!.aws_iam_policy_document as Record<string, any>);
    const policy = docs.find(([id]) => id.includes('ClusterAutoscalerRole_PolicyDocument'))![1];
    expect(policy.statement[0].condition).toEqual([{ test: 'StringEquals', variable: 'aws:ResourceTag/k8s.io/cluster-autoscaler/aws-main', values: ['owned'] }]);
  });

  it('installs the reaper with its schedule from the config', () => {
    expect(values(aws, 'instance-reaper')).toEqual({ schedule: '*/15 * * * *' });
    const own = synthJson(buildStacks(exampleWith((c) => (c.clusters[3].platform = { reaperSchedule: '0 * * * *' }))).platforms.get('platform-laptop')!);
    expect(values(own, 'instance-reaper')).toEqual({ schedule: '0 * * * *' });
  });

  it('adds monitoring and a registry mirror only when switched on', () => {
    const on = synthJson(
      buildStacks(exampleWith((c) => (c.clusters[2].platform = { monitoring: true, registryMirror: 'mirror.internal:5000' }))).platforms.get('platform-gcp-main')!,
    );
    expect(releases(on).monitoring).toMatchObject({ chart: 'kube-prometheus-stack', version: '69.8.2' });
    expect(values(on, 'monitoring').grafana.admin).toEqual({ existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' });
    expect(values(on, 'ingress-nginx').global).toEqual({ image: { registry: 'mirror.internal:5000' } });
    expect(values(on, 'instance-reaper').global).toEqual({ imageRegistry: 'mirror.internal:5000' });
    expect(releases(gcp).monitoring).toBeUndefined();
  });

  it('labels platform namespaces so that only they may use the cluster-wide store', () => {
    for (const ns of Object.values(resources(aws, 'kubernetes_namespace_v1')) as any[]) expect(ns.metadata.labels['sandbox.dev/platform']).toBe('true');
  });
});
