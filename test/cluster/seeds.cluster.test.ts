import { execFileSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { KAFKA_OPERATOR_NAMESPACE } from '../../constructs/platform/kafka-operator';
import { runReaperScript } from './reaper-run';
import {
  chartMirror,
  exec,
  execAll,
  exists,
  items,
  kubectl,
  kubectlJson,
  must,
  suiteCluster,
  suiteWorkspace,
  terraform,
  terraformCommand,
  TEST_CLUSTER,
} from './kube';

/**
 * The seeds' new blocks and constructs on a real API server: the platform's Strimzi operator and its CRDs, shared
 * Kafka, PostgreSQL and Keycloak (a shared block with a database and a hostname) applied with `sandboxkit shared
 * apply`, DIGIT-like instances from composed templates with the CLI (in-instance or shared Kafka wired by config
 * alone, OpenSearch with its dashboards, dump backups and their restore), a DSS pool member with a Service per node
 * and pinned addresses, and CloudNativePG hibernation by `instance stop` and by the reaper. No operator runs here:
 * what is proved is what the API server accepts (the operators' CRD schemas, Pod Security, the tenant policies' CEL,
 * RBAC) and what the charts render into it.
 */
const { work, configFile, stackDir, cli, cliCommand, synth, destroyLeftovers } = suiteWorkspace('sandboxkit-seeds-');
const CLUSTER = 'sd';
const DOMAIN = 'seeds.test';
const UAT = 'sd-uat';
const FEATURE = 'sd-feature';
const COPY = 'sd-copy';
const MEMBER = 'sd-dss-a';
const OTHER_MEMBER = 'sd-dss-b';
const OWNER = 'dana@example.org';
const ADDRESSES: Record<string, string[]> = {
  [MEMBER]: ['192.0.2.11', '192.0.2.12', '192.0.2.13'],
  [OTHER_MEMBER]: ['198.51.100.21', '198.51.100.22', '198.51.100.23'],
};
const SCHEDULE = '0 0 2 * * *';
const ESO_CRDS = join(__dirname, 'fixtures', 'external-secrets-2.9.0-crds.yaml');
/** CRDs this run created (those that did not exist yet), deleted again at the end. */
const createdCrds: string[] = [];
/** Strimzi's CRDs that were there before this run: Helm keeps a chart's crds/ when it uninstalls it. */
let strimziCrdsBefore: string[] = [];
const strimziCrds = () =>
  kubectl('get', 'crd', '-o', 'name')
    .split('\n')
    .filter((n) => n.endsWith('.strimzi.io'));
const STRIMZI_KINDS = ['kafkas', 'kafkanodepools', 'kafkatopics', 'kafkausers'];
const ok = (r: { code: number; stdout: string; stderr: string }) => ({
  code: r.code,
  err: r.code ? (r.stdout + r.stderr).slice(-6000) : '',
});

const valkey = BUILTIN_CATALOG.find((e) => e.name === 'valkey')!;
/** A block that reads a Kafka's address and user from whichever Kafka the instance has, into its pod annotations. */
const EVENTS_CLIENT = {
  ...valkey,
  name: 'events-client',
  labels: { kind: 'events-client', version: '9.1.1' },
  requires: {
    strong: [{ description: 'a Kafka event bus', matchExpressions: [{ key: 'provides-kafka', operator: 'Exists' }] }],
  },
  inputs: {
    'podAnnotations.kafka-bootstrap': 'bootstrapServers',
    'podAnnotations.kafka-user': 'kafkaUser',
    'podAnnotations.kafka-password-secret': 'kafkaPasswordSecret',
  },
};
/** A database node of the DSS pool: the valkey chart stands in, the pool's facts in its pod annotations. */
const DSS_NODE = {
  ...valkey,
  name: 'dss-node',
  labels: { kind: 'dss-node', version: '9.1.1' },
  inject: {
    ...valkey.inject,
    poolJoin: 'podAnnotations.pool-join',
    poolNodeCertificate: 'podAnnotations.pool-node-certificate',
    poolClientCertificate: 'podAnnotations.pool-client-certificate',
  },
};

/**
 * The suite's config; without `users`, the UAT that uses the shared blocks is gone from it (destroyed, as before
 * `shared destroy`): its consumer block requires a Kafka, which only the shared one gives it.
 */
function writeConfig(users = true): void {
  writeFileSync(
    configFile,
    stringify({
      state: { backend: 'local', directory: 'state' },
      clusters: [
        {
          ...suiteCluster(CLUSTER, DOMAIN),
          platform: { chartMirror: chartMirror(), kafka: true },
          allowProtectedInstances: true,
          allowTcpExposure: true,
          backupStore: {
            bucket: 'sandbox-backups',
            prefix: CLUSTER,
            endpointURL: 'http://backup-store.invalid:8333',
            credentialsSecret: 'backup-s3',
          },
          sharedBlocks: [
            {
              name: 'kafka',
              values: {
                topics: [{ name: 'egov.core.notification.sms', partitions: 3 }, { name: 'save-pgr-request' }],
                users: [
                  {
                    name: 'pgr-services',
                    acls: [
                      {
                        resource: { type: 'topic', name: 'save-pgr', patternType: 'prefix' },
                        operations: ['Read', 'Write', 'Describe'],
                      },
                    ],
                  },
                ],
              },
            },
            'postgresql',
            'keycloak',
          ],
        },
      ],
      catalog: [EVENTS_CLIENT, DSS_NODE],
      templates: [
        { name: 'digit-base', blocks: ['postgresql', 'opensearch', 'events-client'], size: 'large', ttlHours: 8 },
        {
          name: 'digit-feature',
          extends: 'digit-base',
          addBlocks: ['kafka', 'mysql', 'mongodb'],
          workingHours: 'Mon-Fri 08:00-20:00 UTC',
          backup: { schedule: SCHEDULE, retentionDays: 3 },
        },
        {
          name: 'dss-member',
          blocks: ['dss-node'],
          secrets: [{ name: 'dss-ca', from: { file: 'ca.json', format: 'json' } }],
        },
      ],
      instances: [
        ...(users
          ? [
              {
                name: UAT,
                cluster: CLUSTER,
                owner: OWNER,
                template: 'digit-base',
                protected: true,
                ttlHours: null,
                addBlocks: ['opensearch-dashboards'],
                uses: ['kafka', 'keycloak'],
              },
            ]
          : []),
        ...[MEMBER, OTHER_MEMBER].map((name) => ({
          name,
          cluster: CLUSTER,
          owner: OWNER,
          template: 'dss-member',
          protected: true,
          ttlHours: null,
        })),
      ],
      instanceGroups: [
        {
          name: 'dss',
          members: [MEMBER, OTHER_MEMBER].map((instance) => ({ instance, addresses: ADDRESSES[instance] })),
          expose: {
            port: 26257,
            selector: { 'app.kubernetes.io/name': 'valkey' },
            nodes: 3,
            statefulSet: 'dss-node',
          },
          ca: { secret: 'dss-ca' },
        },
      ],
    }),
  );
}

/** The pool's CA as the JSON entry a secret manager would hold: made here, never written into a stack. */
function writeCa(): void {
  const key = join(work, 'ca.key');
  const crt = join(work, 'ca.crt');
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
  execFileSync('openssl', ['req', '-x509', '-new', '-key', key, '-subj', '/CN=dss pool', '-days', '2', '-out', crt]);
  writeFileSync(
    join(work, 'ca.json'),
    JSON.stringify({ 'tls.crt': readFileSync(crt, 'utf8'), 'tls.key': readFileSync(key, 'utf8') }),
  );
}

function apply(stack: string): void {
  terraform(stackDir(stack), 'init', '-input=false', '-no-color');
  terraform(stackDir(stack), 'apply', '-auto-approve', '-input=false', '-no-color');
}

const releases = (ns: string): Record<string, any> =>
  Object.fromEntries(JSON.parse(must('helm', ['list', '-n', ns, '-a', '-o', 'json'])).map((r: any) => [r.name, r]));
const strimzi = (kind: string, ns: string) => items(`${kind}.kafka.strimzi.io`, '-n', ns);
const podAnnotations = (ns: string, block: string) =>
  [...items('deployments', '-n', ns), ...items('statefulsets', '-n', ns)].find(
    (w) => w.metadata.labels?.['app.kubernetes.io/instance'] === block,
  )!.spec.template.metadata.annotations ?? {};
const cnpgCluster = (ns: string) => kubectlJson('get', 'clusters.postgresql.cnpg.io', 'postgresql', '-n', ns);
/** A dry run of creating `object`: what the API server's admission says, nothing stored. */
const dryRun = (object: object) =>
  exec('kubectl', ['create', '-f', '-', '--dry-run=server', '-o', 'name'], { input: JSON.stringify(object) });

describe(`the seeds' blocks on a real API server (${TEST_CLUSTER})`, () => {
  beforeAll(() => {
    strimziCrdsBefore = strimziCrds();
    // The mirror's external-secrets archive installs no CRDs (docs/operations/limitations.md): the published ones.
    for (const doc of parseAllDocuments(readFileSync(ESO_CRDS, 'utf8')).map((d) => d.toJS())) {
      if (doc?.kind !== 'CustomResourceDefinition' || exists('crd', doc.metadata.name)) continue;
      must('kubectl', ['create', '-f', '-'], { input: JSON.stringify(doc) });
      createdCrds.push(doc.metadata.name);
    }
    for (const crd of createdCrds) kubectl('wait', '--for=condition=Established', `crd/${crd}`, '--timeout=60s');
    writeConfig();
    writeCa();
    // What the CLI passes a stack for a file secret; Terraform alone takes it from the environment.
    process.env.TF_VAR_secret_file_dss_ca = readFileSync(join(work, 'ca.json'), 'utf8');
    synth();
  }, 300000);

  afterAll(() => {
    for (const instance of [COPY, FEATURE])
      if (existsSync(stackDir(`instance-${instance}`))) cli('instance', 'destroy', instance, '--yes');
    destroyLeftovers(`instance-${UAT}`, `instance-${MEMBER}`);
    if (exists('namespace', 'shared-kafka')) {
      writeConfig(false);
      // The CLI refuses while a user is left; Terraform alone then, since every user is gone by now.
      if (cli('shared', 'destroy', '--cluster', CLUSTER).code !== 0) destroyLeftovers(`shared-${CLUSTER}`);
    }
    destroyLeftovers(`platform-${CLUSTER}`);
    // Created by this run alone, so no other suite's objects go with them.
    for (const crd of createdCrds) exec('kubectl', ['delete', 'crd', crd, '--wait=false']);
    for (const crd of strimziCrds().filter((c) => !strimziCrdsBefore.includes(c)))
      exec('kubectl', ['delete', crd, '--wait=false']);
  }, 900000);

  it("installs the platform's Strimzi operator, whose CRDs serve kafka.strimzi.io/v1 only, and external-secrets for the shared blocks", () => {
    apply(`platform-${CLUSTER}`);
    expect(releases('external-secrets')['external-secrets']?.status).toBe('deployed');
    expect(releases(KAFKA_OPERATOR_NAMESPACE).strimzi?.status).toBe('deployed');
    for (const kind of STRIMZI_KINDS) {
      const crd = kubectlJson('get', 'crd', `${kind}.kafka.strimzi.io`);
      expect({ kind, served: crd.spec.versions.filter((v: any) => v.served).map((v: any) => v.name) }).toEqual({
        kind,
        served: ['v1'],
      });
    }
    const operator = items('deployments', '-n', KAFKA_OPERATOR_NAMESPACE)[0];
    expect(operator.status.readyReplicas).toBe(1);
    expect(operator.spec.template.spec.containers[0].env).toContainEqual({
      name: 'STRIMZI_POD_SECURITY_PROVIDER_CLASS',
      value: 'restricted',
    });
    // Instance deployers get the four Kafka kinds through the platform's aggregated role.
    expect(kubectlJson('get', 'clusterrole', 'sandbox-instance-deployer-kafka').rules[0].resources).toEqual(
      STRIMZI_KINDS,
    );
  });

  it('applies the shared Kafka, PostgreSQL and Keycloak with sandboxkit shared apply: topics, users, a database and a hostname', () => {
    const applied = cli('shared', 'apply', '--cluster', CLUSTER, '--json');
    expect(ok(applied)).toEqual({ code: 0, err: '' });
    expect(JSON.parse(applied.stdout).namespaces.sort()).toEqual([
      'shared-kafka',
      'shared-keycloak',
      'shared-postgresql',
    ]);
    expect(strimzi('kafkas', 'shared-kafka').map((k) => k.metadata.name)).toEqual(['kafka']);
    expect(strimzi('kafkanodepools', 'shared-kafka')[0].spec.roles.sort()).toEqual(['broker', 'controller']);
    expect(
      strimzi('kafkatopics', 'shared-kafka')
        .map((t) => [t.spec.topicName ?? t.metadata.name, t.spec.partitions])
        .sort(),
    ).toEqual([
      ['egov.core.notification.sms', 3],
      ['save-pgr-request', 1],
    ]);
    expect(
      strimzi('kafkausers', 'shared-kafka')
        .map((u) => u.metadata.name)
        .sort(),
    ).toEqual(['kafka-client', 'pgr-services']);
    // Keycloak's database on the shared PostgreSQL: a role of the Cluster, its password in both namespaces.
    expect(cnpgCluster('shared-postgresql').spec.managed.roles).toContainEqual(
      expect.objectContaining({ name: 'keycloak', passwordSecret: { name: 'keycloak-database' } }),
    );
    for (const ns of ['shared-keycloak', 'shared-postgresql'])
      expect(exists('secret', 'keycloak-database', '-n', ns)).toBe(true);
    expect(releases('shared-keycloak').keycloak?.status).toBe('deployed');
    const listener = kubectlJson('get', 'listenersets', '-n', 'shared-keycloak', '-o', 'json').items[0];
    expect(listener.spec.listeners[0].hostname).toBe(`keycloak.shared.${DOMAIN}`);
    expect(items('httproutes', '-n', 'shared-keycloak')[0].spec.hostnames).toEqual([`keycloak.shared.${DOMAIN}`]);
  });

  it('applies a protected UAT from a template that uses the shared Kafka and Keycloak, with OpenSearch and its dashboards', () => {
    apply(`instance-${UAT}`);
    const found = releases(UAT);
    for (const name of ['postgresql', 'opensearch', 'opensearch-dashboards', 'events-client'])
      expect({ name, status: found[name]?.status }).toEqual({ name, status: 'deployed' });
    expect(found.kafka).toBeUndefined();
    // The shared Kafka's address and credentials, by the catalog's inputs alone.
    expect(podAnnotations(UAT, 'events-client')).toMatchObject({
      'kafka-bootstrap': 'kafka-kafka-bootstrap.shared-kafka.svc.cluster.local:9092',
      'kafka-user': 'kafka-client',
      'kafka-password-secret': 'shared-kafka-credentials',
    });
    expect(kubectlJson('get', 'externalsecret', 'shared-kafka-credentials', '-n', UAT).spec.dataFrom).toEqual([
      { extract: expect.objectContaining({ key: 'kafka-credentials' }) },
    ]);
    // OpenSearch: one node, no mmap, the admin password from the instance's Secret, no root init container.
    const search = items('statefulsets', '-n', UAT).find((s) => s.metadata.name === 'opensearch-master')!;
    expect(search.spec.replicas).toBe(1);
    expect(search.status.readyReplicas).toBe(1);
    const pod = search.spec.template.spec;
    expect(pod.securityContext.sysctls).toBeUndefined();
    for (const c of [...(pod.initContainers ?? []), ...pod.containers])
      expect({ c: c.name, image: c.image, root: c.securityContext?.runAsUser === 0 }).toEqual({
        c: c.name,
        image: expect.stringContaining('opensearchproject/opensearch:3.6.0'),
        root: false,
      });
    expect(pod.containers[0].env).toContainEqual({
      name: 'OPENSEARCH_INITIAL_ADMIN_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'opensearch-credentials', key: 'password' } },
    });
    expect(Object.keys(kubectlJson('get', 'secret', 'opensearch-credentials', '-n', UAT).data).sort()).toEqual(
      expect.arrayContaining(['password', 'username']),
    );
    const config = kubectlJson('get', 'configmap', 'opensearch-master-config', '-n', UAT).data['opensearch.yml'];
    expect(config).toContain('node.store.allow_mmap: false');
    const dashboards = items('deployments', '-n', UAT).find(
      (d) => d.metadata.labels?.['app.kubernetes.io/instance'] === 'opensearch-dashboards',
    )!;
    expect(dashboards.status.readyReplicas).toBe(1);
    expect(dashboards.spec.template.spec.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: 'OPENSEARCH_HOSTS', value: `https://opensearch.${UAT}.svc.cluster.local:9200` },
        { name: 'OPENSEARCH_USERNAME', value: 'admin' },
      ]),
    );
    const ns = kubectlJson('get', 'namespace', UAT).metadata;
    expect(ns.labels['sandbox.dev/protected']).toBe('true');
    expect(ns.annotations['sandbox.dev/expires-at']).toBeUndefined();
    expect(ns.labels).toMatchObject({ 'sandbox.dev/uses-kafka': 'true', 'sandbox.dev/uses-keycloak': 'true' });
  });

  it('creates a feature instance from an extended template with the CLI: its own Kafka, dump backups on a schedule', () => {
    const created = cli(
      'instance',
      'create',
      FEATURE,
      '--cluster',
      CLUSTER,
      '--owner',
      OWNER,
      '--template',
      'digit-feature',
      '--json',
    );
    expect(ok(created)).toEqual({ code: 0, err: '' });
    // The Kafka custom resources, judged by the Strimzi CRDs' schemas.
    expect(strimzi('kafkas', FEATURE)[0].spec.kafka.listeners[0]).toMatchObject({
      name: 'plain',
      port: 9092,
      authentication: { type: 'scram-sha-512' },
    });
    expect(strimzi('kafkanodepools', FEATURE)[0].spec.replicas).toBe(1);
    expect(strimzi('kafkausers', FEATURE)[0].spec.authentication.password.valueFrom.secretKeyRef).toEqual({
      name: 'kafka-credentials',
      key: 'client-password',
    });
    // The same catalog entry, now wired to the instance's own Kafka.
    expect(podAnnotations(FEATURE, 'events-client')).toMatchObject({
      'kafka-bootstrap': `kafka-kafka-bootstrap.${FEATURE}.svc.cluster.local:9092`,
      'kafka-password-secret': 'kafka-credentials',
    });
    const crons = items('cronjobs', '-n', FEATURE).map((c) => [c.metadata.name, c.spec.schedule, c.spec.timeZone]);
    expect(crons.sort()).toEqual([
      ['mongodb-backup', '0 2 * * *', 'Etc/UTC'],
      ['mysql-backup', '0 2 * * *', 'Etc/UTC'],
    ]);
    expect(items('scheduledbackups.postgresql.cnpg.io', '-n', FEATURE).map((s) => s.spec.schedule)).toEqual([SCHEDULE]);
    expect(kubectlJson('get', 'namespace', FEATURE).metadata.annotations['sandbox.dev/working-hours']).toBe(
      'Mon-Fri 08:00-20:00 UTC',
    );
  });

  it("hibernates the instance's CloudNativePG Cluster with instance stop, and wakes it with instance start", () => {
    const stopped = cli('instance', 'stop', FEATURE, '--json');
    expect(ok(stopped)).toEqual({ code: 0, err: '' });
    expect(JSON.parse(stopped.stdout).hibernated).toEqual(['postgresql']);
    expect(cnpgCluster(FEATURE).metadata.annotations['cnpg.io/hibernation']).toBe('on');
    const started = cli('instance', 'start', FEATURE, '--json');
    expect(ok(started)).toEqual({ code: 0, err: '' });
    expect(JSON.parse(started.stdout).hibernated).toEqual(['postgresql']);
    expect(cnpgCluster(FEATURE).metadata.annotations?.['cnpg.io/hibernation']).toBeUndefined();
  });

  it('lets the reaper hibernate that Cluster outside working hours and wake it after, and change nothing else of it', () => {
    const manifest = parseAllDocuments(must('helm', ['get', 'manifest', 'instance-reaper', '-n', 'sandbox-platform']))
      .map((d) => d.toJS())
      .filter(Boolean);
    const pod = manifest.find((o: any) => o.kind === 'CronJob').spec.jobTemplate.spec.template.spec;
    const env = Object.fromEntries((pod.containers[0].env ?? []).map((e: any) => [e.name, e.value]));
    const user = `system:serviceaccount:sandbox-platform:${pod.serviceAccountName}`;
    const reap = (now: string) =>
      runReaperScript({
        kubeconfig: process.env.KUBECONFIG,
        user,
        label: env.INSTANCE_LABEL,
        stateNamespace: 'sandbox-platform',
        stateConfigMap: env.STATE_CONFIGMAP,
        env: { REAPER_NOW: String(Date.parse(now) / 1000) },
      });
    // A Sunday: outside Mon-Fri 08:00-20:00.
    const asleep = reap('2026-11-29T12:00:00Z');
    expect({ code: asleep.code, err: asleep.code ? asleep.stdout + asleep.stderr : '' }).toEqual({ code: 0, err: '' });
    expect(asleep.stdout).toContain(`${FEATURE}/cluster/postgresql hibernates`);
    expect(cnpgCluster(FEATURE).metadata.annotations['cnpg.io/hibernation']).toBe('on');
    // The admission policy lets the reaper change the hibernation annotation and nothing else.
    const resized = exec('kubectl', [
      'patch',
      'clusters.postgresql.cnpg.io',
      'postgresql',
      '-n',
      FEATURE,
      '--type=merge',
      '-p',
      '{"spec":{"instances":3}}',
      `--as=${user}`,
    ]);
    expect(resized.code).not.toBe(0);
    expect(resized.stderr).toMatch(/denied|forbidden/i);
    const awake = reap('2026-11-30T09:00:00Z');
    expect({ code: awake.code, err: awake.code ? awake.stdout + awake.stderr : '' }).toEqual({ code: 0, err: '' });
    expect(cnpgCluster(FEATURE).metadata.annotations?.['cnpg.io/hibernation']).toBeUndefined();
  });

  it('creates a copy restored from the feature instance: a CloudNativePG recovery and a restore Job per dump block', () => {
    const created = cli(
      'instance',
      'create',
      COPY,
      '--cluster',
      CLUSTER,
      '--owner',
      OWNER,
      '--template',
      'digit-feature',
      '--restore-from',
      FEATURE,
      '--json',
    );
    expect(ok(created)).toEqual({ code: 0, err: '' });
    expect(cnpgCluster(COPY).spec.bootstrap.recovery).toBeDefined();
    const jobs = items('jobs', '-n', COPY).filter((j) => /-restore$/.test(j.metadata.name));
    expect(jobs.map((j) => [j.metadata.name, j.status.succeeded]).sort()).toEqual([
      ['mongodb-restore', 1],
      ['mysql-restore', 1],
    ]);
    const mysql = jobs.find((j) => j.metadata.name === 'mysql-restore')!.spec.template.spec;
    expect(mysql.initContainers[0].env).toContainEqual({
      name: 'RESTORE_PATH',
      value: `sandbox-backups/${CLUSTER}/${FEATURE}/mysql`,
    });
    expect(mysql.volumes.find((v: any) => v.name === 'store-credentials').secret.secretName).toBe('backup-s3');
  });

  describe('a DSS pool member on a cluster without external-dns', () => {
    beforeAll(() => apply(`instance-${MEMBER}`));

    it('gets a LoadBalancer Service per node at its pinned address, and node certificates from the pool CA', () => {
      const services = items('services', '-n', MEMBER)
        .filter((s) => s.spec.type === 'LoadBalancer')
        .map((s) => [s.metadata.name, s.spec.loadBalancerIP, s.spec.selector['statefulset.kubernetes.io/pod-name']])
        .sort();
      expect(services).toEqual([
        ['sandbox-pool-member-0', ADDRESSES[MEMBER][0], 'dss-node-0'],
        ['sandbox-pool-member-1', ADDRESSES[MEMBER][1], 'dss-node-1'],
        ['sandbox-pool-member-2', ADDRESSES[MEMBER][2], 'dss-node-2'],
      ]);
      const certificates = items('certificates.cert-manager.io', '-n', MEMBER);
      expect(certificates.map((c) => c.spec.issuerRef.name)).toEqual(certificates.map(() => 'pool-ca'));
      expect(certificates.find((c) => c.spec.ipAddresses?.includes(ADDRESSES[MEMBER][1]))).toBeDefined();
      expect(certificates.find((c) => c.spec.commonName === 'root')).toBeDefined();
      expect(kubectlJson('get', 'issuer.cert-manager.io', 'pool-ca', '-n', MEMBER).spec.ca.secretName).toBe('dss-ca');
      expect(Object.keys(kubectlJson('get', 'secret', 'dss-ca', '-n', MEMBER).data).sort()).toEqual([
        'tls.crt',
        'tls.key',
      ]);
    });

    it("hands the block the join list of every member's nodes and its certificate names", () => {
      const annotations = podAnnotations(MEMBER, 'dss-node');
      expect(annotations['pool-join'].split(',')).toEqual(
        [...ADDRESSES[MEMBER], ...ADDRESSES[OTHER_MEMBER]].map((a) => `${a}:26257`),
      );
      expect(annotations['pool-client-certificate']).toBe('pool-client-root-tls');
      expect(annotations['pool-node-certificate']).toMatch(/^pool-node/);
    });

    it('refuses a Service past the node count, at another node address, or published under another name', () => {
      const service = (name: string, ip?: string, hostname?: string) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name,
          namespace: MEMBER,
          ...(hostname ? { annotations: { 'external-dns.alpha.kubernetes.io/hostname': hostname } } : {}),
        },
        spec: {
          type: 'LoadBalancer',
          ...(ip ? { loadBalancerIP: ip } : {}),
          selector: { 'statefulset.kubernetes.io/pod-name': 'dss-node-1' },
          ports: [{ name: 'pool', port: 26257, targetPort: 26257 }],
        },
      });
      // Deleted and created again as the tenant would: node 1's own Service is admitted.
      kubectl('delete', 'service', 'sandbox-pool-member-1', '-n', MEMBER);
      expect(ok(dryRun(service('sandbox-pool-member-1', ADDRESSES[MEMBER][1])))).toEqual({ code: 0, err: '' });
      for (const [what, object] of [
        ['node 3 of 3', service('sandbox-pool-member-3', ADDRESSES[MEMBER][2])],
        ["node 2's address", service('sandbox-pool-member-1', ADDRESSES[MEMBER][2])],
        ["the other member's address", service('sandbox-pool-member-1', ADDRESSES[OTHER_MEMBER][1])],
        ['a DNS name', service('sandbox-pool-member-1', undefined, 'node.elsewhere.example.org')],
      ] as const) {
        expect({ what, code: dryRun(object).code }).toEqual({ what, code: 1 });
      }
      terraform(stackDir(`instance-${MEMBER}`), 'apply', '-auto-approve', '-input=false', '-no-color');
      expect(exists('service', 'sandbox-pool-member-1', '-n', MEMBER)).toBe(true);
    });
  });

  it('destroys everything it applied: instances with the CLI and Terraform, the shared stack, the platform', async () => {
    // The instances at once, as their owners would: two with the CLI, two with Terraform.
    const results = await execAll([
      ...[COPY, FEATURE].map((i) => cliCommand('instance', 'destroy', i, '--yes')),
      ...[UAT, MEMBER].map((i) =>
        terraformCommand(stackDir(`instance-${i}`), 'destroy', '-auto-approve', '-input=false', '-no-color'),
      ),
    ]);
    for (const r of results) expect(ok(r)).toEqual({ code: 0, err: '' });
    // The user is gone: the config no longer says it uses the shared blocks.
    writeConfig(false);
    expect(ok(cli('shared', 'destroy', '--cluster', CLUSTER))).toEqual({ code: 0, err: '' });
    terraform(stackDir(`platform-${CLUSTER}`), 'destroy', '-auto-approve', '-input=false', '-no-color');
    const left = kubectl('get', 'namespaces', '-o', 'name')
      .split('\n')
      .filter((n) =>
        [UAT, FEATURE, COPY, MEMBER, 'shared-kafka', 'shared-keycloak', 'shared-postgresql', KAFKA_OPERATOR_NAMESPACE]
          .map((x) => `namespace/${x}`)
          .includes(n),
      );
    // Namespaces may still be terminating: none is left active.
    for (const n of left) expect(kubectlJson('get', n).status.phase).toBe('Terminating');
  });
});
