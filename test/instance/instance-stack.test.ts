import { readFileSync, readdirSync } from 'fs';
import { parse } from 'yaml';
import { join } from 'path';
import { Testing, TerraformStack } from 'cdktf';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { mergeCatalog } from '../../constructs/catalog/merge';
import { ExistingCluster } from '../../constructs/existing/existing-cluster';
import { OWNER_RULES } from '../../constructs/instance/owner-access';
import { QUOTA_LIMITS_FACTOR } from '../../constructs/instance/quota-check';
import type { SandboxInstanceProps } from '../../constructs/instance/instance-props';
import { SandboxInstance } from '../../constructs/instance/sandbox-instance';
import { bytes, cpuMillis } from '../../constructs/instance/quantity';
import { SIZE_PROFILES } from '../../constructs/instance/size-profile';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { addClusterProviders } from '../../constructs/providers';
import { synthesize } from '../../synth/synthesize';
import {
  buildStacks,
  exampleConfig,
  exampleWith,
  resources,
  synthJson,
  tempDir,
  type TerraformJson,
} from '../fixtures';

const stacks = buildStacks();
const aws = synthJson(stacks.instances.get('instance-payments-demo')!);
const gcp = synthJson(stacks.instances.get('instance-identity-trial')!);
const local = synthJson(stacks.instances.get('instance-local-dev')!);
const only = (json: TerraformJson, type: string) => Object.values(resources(json, type));
const releases = (json: TerraformJson) => Object.fromEntries(only(json, 'helm_release').map((r: any) => [r.name, r]));
const policies = (json: TerraformJson) =>
  Object.fromEntries(only(json, 'kubernetes_network_policy_v1').map((p: any) => [p.metadata.name, p.spec]));
const catalog = mergeCatalog(BUILTIN_CATALOG, []);

/** A SandboxInstance on an existing cluster, for construct-level tests. */
function instance(props: Partial<SandboxInstanceProps> = {}, sharedRwx?: string) {
  const stack = new TerraformStack(Testing.app(), 'test');
  addClusterProviders(stack, {});
  new RandomProvider(stack, 'random');
  new TimeProvider(stack, 'time');
  const cluster = new ExistingCluster(stack, 'Cluster', {
    clusterName: 'kind',
    storage: { blockRwo: 'standard', sharedRwx },
  });
  const built = new SandboxInstance(stack, 'Instance', {
    cluster,
    instanceName: 'demo',
    owner: 'dev',
    blocks: [{ name: 'postgresql' }],
    catalog,
    ...props,
  });
  return { stack, instance: built };
}
const warnings = (stack: TerraformStack) =>
  stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));

describe('instance stack', () => {
  it('matches the snapshot', () => {
    expect(aws).toMatchSnapshot();
  });

  describe('namespace', () => {
    const ns = only(aws, 'kubernetes_namespace_v1')[0] as any;

    it('is labelled with instance, cluster, owner and manager, and enforces the restricted profile', () => {
      expect(ns.metadata.name).toBe('payments-demo');
      expect(ns.metadata.labels).toEqual({
        'sandbox.dev/instance': 'payments-demo',
        'sandbox.dev/cluster': 'aws-main',
        'sandbox.dev/owner': 'alice_example.org',
        'app.kubernetes.io/managed-by': 'sandboxkit',
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      });
    });

    it('carries an expiry computed at apply time from the TTL, not a clock at synth', () => {
      expect(ns.metadata.annotations['sandbox.dev/expires-at']).toMatch(/^\$\{time_offset\.[^}]+\.rfc3339\}$/);
      expect(ns.metadata.annotations['sandbox.dev/ttl-hours']).toBe('48');
      expect(only(aws, 'time_offset')).toEqual([{ offset_hours: 48, triggers: { ttlHours: '48' } }]);
    });

    it('lowers Pod Security only for a block that declares why', () => {
      const legacy = {
        ...BUILTIN_CATALOG.find((e) => e.name === 'valkey')!,
        name: 'legacy',
        podSecurity: { level: 'baseline' as const, reason: 'its init container changes volume ownership as root' },
      };
      const { stack } = instance({
        blocks: [{ name: 'postgresql' }, { name: 'legacy' }],
        catalog: mergeCatalog(BUILTIN_CATALOG, [legacy]),
      });
      const own = only(synthJson(stack), 'kubernetes_namespace_v1')[0] as any;
      expect(own.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
      expect(own.metadata.annotations['sandbox.dev/pod-security-reason']).toBe(
        'legacy: its init container changes volume ownership as root',
      );
      expect(BUILTIN_CATALOG.filter((e) => e.podSecurity)).toEqual([]);
    });
  });

  it('bounds the namespace with the size profile quota and container limits', () => {
    const quota = only(aws, 'kubernetes_resource_quota_v1')[0] as any;
    expect(quota.spec.hard).toEqual({
      'requests.cpu': SIZE_PROFILES.medium.cpu,
      'requests.memory': '16Gi',
      'limits.cpu': '16',
      'limits.memory': '32768Mi',
      'requests.storage': '100Gi',
      'requests.ephemeral-storage': '40Gi',
      'limits.ephemeral-storage': '81920Mi',
      persistentvolumeclaims: '20',
      pods: '80',
      configmaps: '160',
      secrets: '320',
      services: '80',
      'count/serviceaccounts': '80',
      'count/deployments.apps': '40',
      'count/statefulsets.apps': '20',
      'count/replicasets.apps': '160',
      'count/controllerrevisions.apps': '80',
      'count/jobs.batch': '80',
      'count/cronjobs.batch': '20',
      'count/horizontalpodautoscalers.autoscaling': '20',
      'count/poddisruptionbudgets.policy': '20',
      'count/httproutes.gateway.networking.k8s.io': '40',
      'services.loadbalancers': '0',
      'services.nodeports': '0',
    });
    // The synth-time quota check allows limits of this factor times the requests, as the quota does.
    expect(cpuMillis(quota.spec.hard['limits.cpu'], 'limits.cpu')).toBe(
      cpuMillis(quota.spec.hard['requests.cpu'], 'requests.cpu') * QUOTA_LIMITS_FACTOR,
    );
    expect(bytes(quota.spec.hard['limits.memory'], 'limits.memory')).toBe(
      bytes(quota.spec.hard['requests.memory'], 'requests.memory') * QUOTA_LIMITS_FACTOR,
    );
    const limits = only(aws, 'kubernetes_limit_range_v1')[0] as any;
    expect(limits.spec.limit[0]).toMatchObject({
      type: 'Container',
      default_request: { cpu: '100m', memory: '128Mi' },
      default: { cpu: '500m', memory: '512Mi' },
    });
  });

  it('lets a config override the quota', () => {
    const config = exampleWith((c) => (c.instances[2].quota = { cpu: '6', pods: 12 }));
    const json = synthJson(buildStacks(config).instances.get('instance-local-dev')!);
    expect((only(json, 'kubernetes_resource_quota_v1')[0] as any).spec.hard).toMatchObject({
      'requests.cpu': '6',
      pods: '12',
      'requests.memory': '8Gi',
    });
  });

  describe('network policies', () => {
    const p = policies(aws);

    it('deny everything by default, then allow the namespace, DNS, the ingress controller and the mocks', () => {
      expect(Object.keys(p).sort()).toEqual([
        'allow-database-api-server',
        'allow-database-operator',
        'allow-dns',
        'allow-egress-to-mocks',
        'allow-ingress-controller',
        'allow-same-namespace',
        'default-deny',
      ]);
      expect(p['default-deny']).toEqual({ pod_selector: {}, policy_types: ['Ingress', 'Egress'] });
      expect(p['allow-dns'].egress[0].ports).toEqual([
        { port: '53', protocol: 'UDP' },
        { port: '53', protocol: 'TCP' },
      ]);
      expect(p['allow-ingress-controller'].ingress[0].from).toEqual([
        { namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'sandbox-gateway' } } },
      ]);
      expect(
        p['allow-egress-to-mocks'].egress[0].to
          .map((t: any) => t.pod_selector.match_labels['app.kubernetes.io/name'])
          .sort(),
      ).toEqual(['mock-cloud', 'mock-email', 'mock-payment', 'mock-sms']);
    });

    it('let the CloudNativePG operator reach database pods on 8000 and 5432 only, and those pods the API server', () => {
      const databasePods = { match_expressions: [{ key: 'cnpg.io/cluster', operator: 'Exists' }] };
      expect(p['allow-database-operator']).toEqual({
        pod_selector: databasePods,
        policy_types: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'cnpg-system' } },
                pod_selector: {
                  match_labels: { 'app.kubernetes.io/name': 'cloudnative-pg', 'app.kubernetes.io/instance': 'cnpg' },
                },
              },
            ],
            ports: [
              { port: '8000', protocol: 'TCP' },
              { port: '5432', protocol: 'TCP' },
            ],
          },
        ],
      });
      expect(p['allow-database-api-server']).toEqual({
        pod_selector: databasePods,
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
      const { stack } = instance({ blocks: [{ name: 'valkey' }] });
      expect(Object.keys(policies(synthJson(stack)))).not.toContain('allow-database-operator');
    });

    it('never open the internet unless the instance opts in, and never private ranges or metadata', () => {
      expect(p['allow-internet-egress']).toBeUndefined();
      const { stack } = instance({ allowInternetEgress: true });
      const open = policies(synthJson(stack))['allow-internet-egress'];
      expect(open.egress[0].to[0].ip_block).toEqual({
        cidr: '0.0.0.0/0',
        except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'],
      });
    });
  });

  it('gives the owner and their group edit rights in the namespace only, without the guardrails', () => {
    const role = only(aws, 'kubernetes_role_v1')[0] as any;
    expect(role.metadata).toEqual({
      name: 'sandbox-owner',
      namespace: '${kubernetes_namespace_v1.Instance_Namespace_4C77E7EE.metadata[0].name}',
    });
    expect(role.rule).toHaveLength(OWNER_RULES.length);
    const writable = role.rule.filter((r: any) => r.verbs.includes('delete')).flatMap((r: any) => r.resources);
    for (const guarded of ['networkpolicies', 'resourcequotas', 'limitranges', 'roles', 'rolebindings'])
      expect(writable).not.toContain(guarded);
    expect(
      (only(aws, 'kubernetes_role_binding_v1').find((b: any) => b.metadata.name === 'sandbox-owner') as any).subject,
    ).toEqual([
      { kind: 'User', name: 'alice@example.org', api_group: 'rbac.authorization.k8s.io' },
      { kind: 'Group', name: 'payments-team', api_group: 'rbac.authorization.k8s.io' },
    ]);
  });

  describe('building blocks', () => {
    const r = releases(aws);
    const values = (name: string) => JSON.parse(r[name].values[0]);
    const blockDeps = (name: string) =>
      r[name].depends_on.filter((d: string) => /Block-|Seed-/.test(d)).map((d: string) => d.split('_')[2]);

    it('install in dependency order, after the seed data of the blocks they require', () => {
      expect(blockDeps('workflow')).toEqual(['Block-postgresql', 'Seed-postgresql-demo']);
      expect(blockDeps('postgresql')).toEqual([]);
      expect(blockDeps('seed-postgresql-demo')).toEqual(['Block-postgresql']);
    });

    it('wait for seed jobs to complete, and only for those', () => {
      expect(r['seed-postgresql-demo'].wait_for_jobs).toBe(true);
      expect(
        Object.values(r)
          .filter((rel: any) => rel.wait_for_jobs)
          .map((rel: any) => rel.name),
      ).toEqual(['seed-postgresql-demo']);
    });

    it('pin chart versions and pass values as one escaped JSON document', () => {
      expect(r.postgresql).toMatchObject({
        repository: 'https://cloudnative-pg.github.io/charts',
        chart: 'cluster',
        version: '0.8.1',
        atomic: true,
        wait: true,
      });
      expect(r.workflow).toMatchObject({
        repository: 'https://go.temporal.io/helm-charts',
        chart: 'temporal',
        version: '1.6.0',
      });
      expect(() => JSON.parse(r.postgresql.values[0])).not.toThrow();
    });

    it('give each consumer a database and user of its own on the provider, with the connection and storage class wired', () => {
      const pg = values('postgresql');
      expect(pg.cluster.roles).toEqual([
        { name: 'workflow', ensure: 'present', login: true, passwordSecret: { name: 'workflow-database' } },
      ]);
      expect(pg.databases).toEqual([
        { name: 'workflow_visibility', owner: 'workflow' },
        { name: 'workflow', owner: 'workflow' },
      ]);
      expect(pg.cluster.storage.storageClass).toBe('gp3-encrypted');
      const stores = values('workflow').server.config.persistence.datastores;
      for (const store of [stores.default.sql, stores.visibility.sql]) {
        expect(store).toMatchObject({
          connectAddr: 'postgresql-rw.payments-demo.svc.cluster.local:5432',
          user: 'workflow',
          existingSecret: 'workflow-database',
        });
      }
      expect([stores.default.sql.databaseName, stores.visibility.sql.databaseName]).toEqual([
        'workflow',
        'workflow_visibility',
      ]);
    });

    it('merge influences: monitoring learns scrape targets, the gateway learns members', () => {
      const jobs = values('monitoring').serverFiles['prometheus.yml'].scrape_configs;
      expect(jobs[0].job_name).toBe('prometheus');
      expect(
        jobs
          .slice(1)
          .map((j: any) => [j.job_name, j.static_configs[0].targets[0]])
          .sort(),
      ).toEqual([
        ['gateway', 'gateway-kong-status.payments-demo.svc.cluster.local:8100'],
        ['workflow', 'workflow-temporal-frontend-headless.payments-demo.svc.cluster.local:9090'],
      ]);
      const kong = parse(values('gateway').dblessConfig.config);
      expect(kong.services.map((s: any) => [s.name, s.url])).toEqual([
        ['gateway-status', 'http://127.0.0.1:8100/status'],
        ['workflow', 'http://workflow-temporal-frontend.payments-demo.svc.cluster.local:7243'],
      ]);
    });

    it('get routes on the instance listener under the cluster domain, with its certificate from the platform issuer', () => {
      const manifests = only(aws, 'kubernetes_manifest').map((m: any) => m.manifest);
      const routes = manifests.filter((m) => m.kind === 'HTTPRoute');
      expect(routes.map((m) => [m.spec.hostnames[0], m.spec.rules[0].backendRefs[0]]).sort()).toEqual([
        ['gateway.payments-demo.aws.sandbox.example.org', { name: 'gateway-kong-proxy', port: 80 }],
        ['monitoring.payments-demo.aws.sandbox.example.org', { name: 'monitoring-prometheus-server', port: 80 }],
        ['workflow.payments-demo.aws.sandbox.example.org', { name: 'workflow-temporal-web', port: 8080 }],
      ]);
      const certificate = manifests.find((m) => m.kind === 'Certificate');
      expect(certificate.spec).toMatchObject({
        dnsNames: ['*.payments-demo.aws.sandbox.example.org'],
        issuerRef: { kind: 'ClusterIssuer', name: 'sandbox-issuer' },
        // No longer than the instance's TTL: a key its owner kept serves the next instance of the name for no longer.
        duration: '48h0m0s',
      });
    });

    it('install every mock and the seed jobs the config names', () => {
      expect(Object.keys(r).sort()).toEqual(
        [
          'gateway',
          'mock-cloud',
          'mock-email',
          'mock-payment',
          'mock-sms',
          'monitoring',
          'postgresql',
          'seed-postgresql-demo',
          'valkey',
          'workflow',
        ].sort(),
      );
      expect(values('seed-postgresql-demo')).toEqual({
        dataset: { name: 'demo', url: 'https://example.org/sandboxkit/datasets/postgresql-demo.sql.gz' },
        target: {
          engine: 'postgresql',
          host: 'postgresql-rw.payments-demo.svc.cluster.local',
          port: 5432,
          database: 'app',
          username: 'app',
          passwordSecret: { name: 'postgresql-app', key: 'password' },
        },
      });
    });
  });

  describe('secrets', () => {
    it('are generated per instance and stored only by reference', () => {
      const versions = only(aws, 'aws_secretsmanager_secret_version') as any[];
      expect(versions).toHaveLength(2);
      for (const v of versions)
        expect(v.secret_string).toMatch(/^\$\{jsonencode\(\{"[^"]+" = random_password\.[^}]+\.result/);
      expect(
        only(aws, 'aws_secretsmanager_secret')
          .map((s: any) => s.name)
          .sort(),
      ).toEqual([
        'sandbox/aws-main/payments-demo/valkey-credentials',
        'sandbox/aws-main/payments-demo/workflow-database',
      ]);
    });

    it('are read through a namespaced SecretStore whose role reads only this instance path', () => {
      const manifests = only(aws, 'kubernetes_manifest').map((m: any) => m.manifest);
      const store = manifests.find((m) => m.kind === 'SecretStore');
      expect(store.spec.provider).toEqual({
        aws: {
          service: 'SecretsManager',
          region: 'eu-west-1',
          auth: { jwt: { serviceAccountRef: { name: 'sandbox-secrets' } } },
        },
      });
      expect(
        manifests
          .filter((m) => m.kind === 'ExternalSecret')
          .map((m) => m.spec.dataFrom[0].extract.key)
          .sort(),
      ).toEqual([
        'sandbox/aws-main/payments-demo/valkey-credentials',
        'sandbox/aws-main/payments-demo/workflow-database',
      ]);
      const docs = Object.values(aws.data!.aws_iam_policy_document) as any[];
      const read = docs.find((d) => d.statement[0].actions?.includes('secretsmanager:GetSecretValue'));
      expect(read.statement[0].resources).toEqual([
        expect.stringMatching(/:secret:sandbox\/aws-main\/payments-demo\/\*$/),
      ]);
      // Their key only through Secrets Manager in the cluster's region, and only for these secrets.
      expect(read.statement[1].condition).toEqual([
        {
          test: 'StringEquals',
          variable: 'kms:ViaService',
          values: [expect.stringMatching(/^secretsmanager\.[a-z0-9-]+\.amazonaws\.com$/)],
        },
        { test: 'StringLike', variable: 'kms:EncryptionContext:SecretARN', values: read.statement[0].resources },
      ]);
      const trust = docs.find((d) => d.statement[0].actions?.includes('sts:AssumeRoleWithWebIdentity'));
      expect(trust.statement[0].condition[0].values).toEqual(['system:serviceaccount:payments-demo:sandbox-secrets']);
      expect(
        (only(aws, 'kubernetes_service_account_v1').find((a: any) => a.metadata.name === 'sandbox-secrets') as any)
          .metadata.annotations['eks.amazonaws.com/role-arn'],
      ).toMatch(/aws_iam_role\./);
    });

    it('on Google, use a per-instance service account with access to its own secrets only', () => {
      expect((only(gcp, 'google_service_account_iam_member')[0] as any).member).toBe(
        'serviceAccount:sandboxkit-demo.svc.id.goog[identity-trial/sandbox-secrets]',
      );
      for (const m of only(gcp, 'google_secret_manager_secret_iam_member') as any[]) {
        expect(m).toMatchObject({
          role: 'roles/secretmanager.secretAccessor',
          secret_id: expect.stringMatching(/google_secret_manager_secret\./),
        });
      }
      const secret = only(gcp, 'google_secret_manager_secret')[0] as any;
      expect(secret.replication.user_managed.replicas[0].customer_managed_encryption.kms_key_name).toBe(
        'projects/sandboxkit-demo/locations/europe-west1/keyRings/gcp-main-keys/cryptoKeys/gcp-main-secret-manager',
      );
    });

    it('on Azure, federate a per-instance identity and grant it each secret, not the vault', () => {
      const config = exampleWith((c) => (c.instances[2].cluster = 'azure-main'));
      const json = synthJson(buildStacks(config).instances.get('instance-local-dev')!);
      expect((only(json, 'azurerm_federated_identity_credential')[0] as any).subject).toBe(
        'system:serviceaccount:local-dev:sandbox-secrets',
      );
      for (const a of only(json, 'azurerm_role_assignment') as any[]) {
        expect(a).toMatchObject({
          role_definition_name: 'Key Vault Secrets User',
          scope: expect.stringMatching(/azurerm_key_vault_secret\.[^}]+\.resource_versionless_id/),
        });
      }
    });

    it('on an existing cluster, go straight into Kubernetes Secrets of the namespace', () => {
      expect(only(local, 'kubernetes_manifest').filter((m: any) => /Secret/.test(m.manifest.kind))).toEqual([]);
      expect(
        only(local, 'kubernetes_secret_v1')
          .map((s: any) => [s.metadata.name, Object.keys(s.data).sort()])
          .sort(),
      ).toEqual([
        ['seaweedfs-credentials', ['admin-access-key', 'admin-secret-key', 'read-access-key', 'read-secret-key']],
      ]);
    });

    it("give a consumer's Secret its user name and connection, with only the password generated", () => {
      const { stack } = instance({ blocks: [{ name: 'mongodb' }, { name: 'messaging' }] });
      const secret = (only(synthJson(stack), 'kubernetes_secret_v1') as any[]).find(
        (s) => s.metadata.name === 'messaging-database',
      );
      expect(secret.data).toEqual({
        password: expect.stringMatching(/^\$\{random_password\.[^}]+\.result\}$/),
        username: 'messaging',
        database: 'messaging',
        host: 'mongodb.demo.svc.cluster.local',
        port: '27017',
        uri: expect.stringMatching(
          /^mongodb:\/\/messaging:\$\{random_password\.[^}]+\.result\}@mongodb\.demo\.svc\.cluster\.local:27017\/messaging\?replicaSet=rs0&authSource=messaging$/,
        ),
        'mongo-uri': secret.data.uri,
      });
    });
  });

  it('points every image at the registry mirror where each chart takes it from', () => {
    const { stack } = instance({
      blocks: [{ name: 'postgresql' }, { name: 'keycloak' }, { name: 'valkey' }],
      mocks: ['email'],
      datasets: [{ block: 'postgresql', variant: 'minimal' }],
      registryMirror: 'mirror.internal:5000',
    });
    const r = releases(synthJson(stack));
    const values = (name: string) => JSON.parse(r[name].values[0]);
    expect(values('keycloak').image).toEqual({ repository: 'mirror.internal:5000/keycloak/keycloak' });
    expect(values('postgresql').cluster.imageName).toBe('mirror.internal:5000/cloudnative-pg/postgresql:18.3');
    expect(values('postgresql').global).toBeUndefined();
    for (const name of ['valkey', 'mock-email', 'seed-postgresql-minimal'])
      expect(values(name).global).toEqual({ imageRegistry: 'mirror.internal:5000' });
  });

  it('installs what its plan says: the order, each release with its planned values, the warnings', () => {
    const { stack, instance: built } = instance({
      blocks: [{ name: 'keycloak' }, { name: 'postgresql' }, { name: 'mongodb' }, { name: 'messaging' }],
      mocks: ['email'],
    });
    expect(built.order).toEqual(built.plan.blocks.map((b) => b.name));
    const r = releases(synthJson(stack));
    for (const block of built.plan.blocks) expect(JSON.parse(r[block.name].values[0])).toEqual(block.releaseValues);
    expect(warnings(stack)).toEqual(built.plan.warnings);
    expect(built.plan.warnings).toContain(
      'SandboxInstance "demo": block "messaging" can use smsApiUrl, which the instance does not provide ' +
        '(add the matching mocks)',
    );
  });

  it('configures the Kubernetes and Helm providers from the cluster found by name, per cloud', () => {
    expect(aws.provider!.kubernetes[0].exec[0]).toMatchObject({
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', 'aws-main', '--region', 'eu-west-1', '--output', 'json'],
    });
    expect(gcp.provider!.kubernetes[0]).toMatchObject({
      host: expect.stringMatching(/^https:\/\/\$\{data\.google_container_cluster\./),
      token: expect.stringMatching(/data\.google_client_config/),
    });
    expect(local.provider!.kubernetes[0]).toEqual({ config_path: '~/.kube/config', config_context: 'kind-sandbox' });
  });

  it("runs Helm as the instance's deployer, with a token requested at plan and apply time, never the admin's", () => {
    const token = '${ephemeral.kubernetes_token_request_v1.deployer.token}';
    expect(aws.provider!.helm[0].kubernetes).toEqual({
      host: aws.provider!.kubernetes[0].host,
      cluster_ca_certificate: aws.provider!.kubernetes[0].cluster_ca_certificate,
      token,
    });
    expect(gcp.provider!.helm[0].kubernetes).toMatchObject({ host: gcp.provider!.kubernetes[0].host, token });
    // A kubeconfig's client certificate would win over the token: Helm gets the server and its CA, not the file.
    expect(local.provider!.helm[0].kubernetes).toEqual({
      host: '${local.kubeconfig_cluster.server}',
      cluster_ca_certificate: expect.stringContaining(
        'base64decode(local.kubeconfig_cluster["certificate-authority-data"])',
      ),
      insecure: '${try(local.kubeconfig_cluster["insecure-skip-tls-verify"], false)}',
      token,
    });
    expect((local as any).locals.kubeconfig_cluster).toContain('["kind-sandbox"].cluster');
    const request = (aws as any).ephemeral.kubernetes_token_request_v1.deployer;
    const account = only(aws, 'kubernetes_service_account_v1').find((a: any) =>
      a.metadata.name.startsWith('deployer-'),
    ) as any;
    expect(account.metadata).toMatchObject({ name: 'deployer-payments-demo', namespace: 'sandbox-deployers' });
    expect(account.automount_service_account_token).toBe(false);
    expect(request).toMatchObject({
      provider: 'kubernetes',
      metadata: { namespace: 'sandbox-deployers', name: expect.stringMatching(/metadata\[0\]\.uid == "" \? "" : /) },
      spec: { expiration_seconds: 7200 },
    });
    const binding = Object.values(resources(aws, 'kubernetes_role_binding_v1')).find(
      (b: any) => b.metadata.name === 'sandbox-deployer',
    ) as any;
    expect(binding.role_ref).toEqual({
      api_group: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'sandbox-instance-deployer',
    });
    expect(binding.subject).toEqual([
      expect.objectContaining({ kind: 'ServiceAccount', namespace: 'sandbox-deployers' }),
    ]);
  });

  it("installs no block's CRDs: they are cluster-wide, the platform's to install", () => {
    const blocks = Object.entries(resources(aws, 'helm_release')).filter(([id]) => id.startsWith('Instance_Block-'));
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.filter(([, r]: [string, any]) => r.skip_crds !== true).map(([id]) => id)).toEqual([]);
  });

  it('installs no release before the guardrails and the deployer binding hold', () => {
    const all = aws.resource as Record<string, Record<string, any>>;
    const dependsOn = (address: string): string[] => {
      const [type, id] = address.split('.');
      return all[type]?.[id]?.depends_on ?? [];
    };
    const closure = (address: string, seen = new Set<string>()): Set<string> => {
      for (const d of dependsOn(address)) if (!seen.has(d)) closure(d, seen.add(d));
      return seen;
    };
    const guardrails = [
      'kubernetes_resource_quota_v1',
      'kubernetes_limit_range_v1',
      'kubernetes_network_policy_v1',
    ].flatMap((type) => Object.keys(all[type]).map((id) => `${type}.${id}`));
    const binding = Object.keys(all.kubernetes_role_binding_v1).find((id) => id.startsWith('Instance_Deployer_'));
    for (const id of Object.keys(all.helm_release)) {
      const before = closure(`helm_release.${id}`);
      const missing = [...guardrails, `kubernetes_role_binding_v1.${binding}`].filter((g) => !before.has(g));
      expect({ release: id, missing }).toEqual({ release: id, missing: [] });
    }
  });

  /** The example synthesized once into a folder, for the tests that read every stack file. */
  let exampleOut: string | undefined;
  const exampleOutput = () => {
    if (!exampleOut) {
      exampleOut = join(tempDir(), 'cdktf.out');
      synthesize(exampleConfig(), exampleOut);
    }
    return exampleOut;
  };
  const readStack = (dir: string, stack: string) => readFileSync(join(dir, 'stacks', stack, 'cdk.tf.json'), 'utf8');

  it('writes no generated secret value into any synthesized file', () => {
    const out = exampleOutput();
    for (const stack of readdirSync(join(out, 'stacks'))) {
      expect(readStack(out, stack)).not.toMatch(
        /"(password|secret_string|secret_data|value)":\s*"(?!\$\{)[A-Za-z0-9+/]{16,}"/,
      );
    }
  });

  it('leaves every other stack byte-identical when an instance is added', () => {
    const before = exampleOutput();
    const after = join(tempDir(), 'after');
    const more = exampleWith((c) =>
      c.instances.push({ name: 'extra', cluster: 'aws-main', owner: 'dan', blocks: ['valkey'] }),
    );
    synthesize(more, after);
    const stacksBefore = readdirSync(join(before, 'stacks'));
    expect(readdirSync(join(after, 'stacks')).sort()).toEqual([...stacksBefore, 'instance-extra'].sort());
    for (const stack of stacksBefore) expect(readStack(after, stack)).toBe(readStack(before, stack));
  });

  it('leaves no unresolved token in any stack', () => {
    const out = exampleOutput();
    for (const stack of readdirSync(join(out, 'stacks'))) {
      expect(readStack(out, stack)).not.toMatch(/tftoken|TOKEN\[/);
    }
  });

  it('never writes an interpolation into depends_on', () => {
    for (const json of [aws, gcp, local]) {
      for (const byId of Object.values(json.resource!)) {
        for (const r of Object.values(byId) as any[]) for (const d of r.depends_on ?? []) expect(d).not.toContain('${');
      }
    }
  });

  describe('bad input', () => {
    it('refuses an unknown block, naming instance and block', () => {
      expect(() => instance({ blocks: [{ name: 'oracle' }] })).toThrow(
        /SandboxInstance "demo": blocks\[0\] is "oracle", which is not in the catalog/,
      );
    });

    it('refuses a dataset the block does not offer', () => {
      expect(() => instance({ datasets: [{ block: 'postgresql', variant: 'huge' }] })).toThrow(
        /SandboxInstance "demo": block "postgresql" offers datasets minimal, demo, obfuscated, got "huge"/,
      );
    });

    it('refuses an unmet strong requirement', () => {
      expect(() => instance({ blocks: [{ name: 'keycloak' }] })).toThrow(
        /instance "demo": block "keycloak" requires a PostgreSQL database, version 14 or newer/,
      );
    });

    it('refuses values that are not an object', () => {
      expect(() => instance({ blocks: [{ name: 'postgresql', values: ['x'] as never }] })).toThrow(
        /blocks\[0\] "postgresql": values must be an object, got a list/,
      );
    });

    it('refuses a block needing RWX storage on a cluster that offers none', () => {
      const rwx = {
        ...BUILTIN_CATALOG.find((e) => e.name === 'seaweedfs')!,
        name: 'shared',
        needs: { storage: 'rwx' as const },
      };
      const own = mergeCatalog(BUILTIN_CATALOG, [rwx]);
      expect(() => instance({ blocks: [{ name: 'shared' }], catalog: own })).toThrow(
        /block "shared" needs shared \(RWX\) storage, which cluster "kind" does not offer/,
      );
      expect(() => instance({ blocks: [{ name: 'shared' }], catalog: own }, 'nfs')).not.toThrow();
    });

    it('refuses blocks whose requests exceed the quota, naming the instance, the totals and the quota', () => {
      const blocks = [{ name: 'postgresql' }, { name: 'keycloak' }];
      expect(() => instance({ blocks, quota: { cpu: '500m' } })).toThrow(
        'SandboxInstance "demo": 2 blocks, 0 mocks and 0 seed jobs need requests 0.75 CPU and 1.5Gi, limits 2 CPU and 2.5Gi, 2 pods; ' +
          'the quota (size "small" with overrides) allows requests 0.5 CPU and 8Gi, limits 1 CPU and 16Gi, 40 pods (over: requests.cpu, limits.cpu); choose a larger size or set quota',
      );
    });

    it('refuses an instance whose limits exceed twice the quota even when its requests fit', () => {
      // Requests 1.5 CPU of 2; limits 4.5 CPU of the 4 the ResourceQuota allows.
      const blocks = [
        { name: 'postgresql' },
        { name: 'keycloak' },
        { name: 'mongodb' },
        { name: 'messaging' },
        { name: 'valkey' },
      ];
      expect(() => instance({ blocks, quota: { cpu: '2' } })).toThrow(
        /need requests 1\.6 CPU and .*, limits 4\.5 CPU .*\(over: limits\.cpu\)/,
      );
    });

    it('refuses an instance with more pods than the quota allows, counting mocks and seed jobs', () => {
      const blocks = [{ name: 'postgresql' }, { name: 'workflow' }];
      const datasets = [{ block: 'postgresql', variant: 'minimal' }];
      expect(() => instance({ blocks, datasets, mocks: ['email', 'sms'], quota: { pods: 9 } })).toThrow(
        /2 blocks, 2 mocks and 1 seed jobs need .*, 10 pods; .*, 9 pods \(over: pods\)/,
      );
      expect(() => instance({ blocks, datasets, mocks: ['email', 'sms'], quota: { pods: 10 } })).not.toThrow();
    });

    it('refuses two providers of the database a block needs', () => {
      const second = { ...BUILTIN_CATALOG.find((e) => e.name === 'postgresql')!, name: 'reporting' };
      expect(() =>
        instance({
          blocks: [{ name: 'postgresql' }, { name: 'reporting' }, { name: 'keycloak' }],
          catalog: mergeCatalog(BUILTIN_CATALOG, [second]),
        }),
      ).toThrow(
        /block "keycloak" needs a postgresql database, and "postgresql" and "reporting" both provide one; keep one/,
      );
    });

    it('refuses a TTL out of range', () => {
      expect(() => instance({ ttlHours: 0 })).toThrow(/ttlHours must be a whole number from 1 to 720, got 0/);
    });
  });

  it('warns, without failing, when a weak requirement is unmet or a wired fact is missing', () => {
    const { stack } = instance({ blocks: [{ name: 'mongodb' }, { name: 'messaging' }] });
    expect(warnings(stack)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/block "messaging" works better with metrics scraping/),
        expect.stringMatching(/block "messaging" can use smtpUrl, smsApiUrl, which the instance does not provide/),
      ]),
    );
  });
});
