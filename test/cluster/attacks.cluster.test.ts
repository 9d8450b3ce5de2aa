import { gzipSync } from 'zlib';
import { writeFileSync } from 'fs';
import { stringify } from 'yaml';
import { PLATFORM_DEFAULTS } from '../../constructs/cluster';
import { deployerUser } from '../../constructs/instance/deployer-access';
import { chartMirror, exec, items, kubectlJson, suiteCluster, suiteWorkspace, terraform, waitFor } from './kube';
import { kubectl, must } from './kubectl-as';

/*
 * The instance owner as a hostile tenant, on a real API server: the platform of an `existing` cluster, an instance
 * created with the command line, and every attack of the tenant reviews tried as the owner (impersonated as the user
 * and group its RoleBinding names). Each must be refused with the message the owner sees. Then the defence in depth:
 * an admin plants a forged Helm release record (which no owner can write any more), and `instance test`,
 * `instance create --update` and `instance destroy` run it; because Helm runs as the instance's deployer, none of
 * its hooks or manifest reaches beyond the namespace, and the owner never becomes cluster-admin.
 */
const { configFile, stackDir, cli, synth, destroyLeftovers } = suiteWorkspace('sandboxkit-attacks-');
const CLUSTER = 'atk';
const INSTANCE = 'atk-victim';
const NS = INSTANCE;
const OWNER = 'mallory@example.org';
const GROUP = 'atk-owners';
const DOMAIN = 'attack.test';
const PLATFORM = 'sandbox-platform';
const PLANTED = 'atk-platform-config';

/** As the owner: the user and the group the instance's RoleBinding names. */
const asOwner = (args: readonly string[], input?: object) =>
  exec('kubectl', [`--as=${OWNER}`, `--as-group=${GROUP}`, ...args], {
    input: input === undefined ? undefined : JSON.stringify(input),
  });
const ownerCreate = (object: object) => asOwner(['create', '-f', '-', '-o', 'name'], object);
const ownerCanI = (verb: string, resource: string, namespace = NS) =>
  asOwner(['auth', 'can-i', verb, resource, '-n', namespace]).stdout.trim();

const VAP = /denied request|ValidatingAdmissionPolicy/;
const RBAC = (verb: string, resource: string) => new RegExp(`cannot ${verb} resource "${resource}"`);

const meta = (name: string, extra: object = {}) => ({ name, namespace: NS, ...extra });
/** Marks the objects the quota test piles up, for the admin to remove afterwards. */
const FILLER = { labels: { 'sandbox.test/attack': 'quota' } };
const container = {
  name: 'c',
  image: 'registry.invalid/app:1',
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  // Small enough that the pod count, not CPU or memory, is what the quota runs out of first.
  resources: {
    requests: { cpu: '1m', memory: '1Mi', 'ephemeral-storage': '1Mi' },
    limits: { cpu: '10m', memory: '16Mi', 'ephemeral-storage': '16Mi' },
  },
};
const podSpec = (extra: object = {}) => ({
  securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [container],
  ...extra,
});
const pod = (name: string, extra: object = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: meta(name),
  spec: podSpec(extra),
});
const route = (name: string, spec: object) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: meta(name),
  spec: {
    hostnames: [`web.${INSTANCE}.${DOMAIN}`],
    parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'ListenerSet', name: 'sandbox' }],
    rules: [{ backendRefs: [{ name: 'web', port: 80 }] }],
    ...spec,
  },
});

/** A Helm release record as Helm writes it: the release as JSON, gzipped and base64-encoded, in a labelled Secret. */
function releaseRecord(release: string, version: number, body: { manifest: string; hooks: object[] }) {
  const now = new Date().toISOString();
  const encoded = gzipSync(
    JSON.stringify({
      name: release,
      namespace: NS,
      version,
      info: {
        first_deployed: now,
        last_deployed: now,
        deleted: '',
        description: 'Upgrade complete',
        status: 'deployed',
      },
      chart: { metadata: { apiVersion: 'v2', name: release, version: '0.0.1' }, templates: [], values: {} },
      config: {},
      ...body,
    }),
  ).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: meta(`sh.helm.release.v1.${release}.v${version}`, {
      labels: { owner: 'helm', name: release, status: 'deployed', version: String(version) },
    }),
    stringData: { release: encoded },
  };
}

/** The hooks of the forged record: bind the owner to cluster-admin on uninstall and on test. */
const escalation = (name: string, events: string[]) => ({
  name,
  kind: 'ClusterRoleBinding',
  path: `mock-email/templates/${name}.yaml`,
  events,
  weight: 0,
  delete_policies: [],
  last_run: { started_at: '', completed_at: '', phase: '' },
  manifest: stringify({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: OWNER }],
  }),
});
/** The manifest of the forged record: a platform ConfigMap, which an upgrade that no longer renders it deletes. */
const platformManifest = `---\n${stringify({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: PLANTED, namespace: PLATFORM },
  data: { planted: 'by the platform' },
})}`;

/** Records planted so far, removed again before the instance goes. */
const planted: string[] = [];

/** Plants, as the admin, a forged newest revision of the email mock's release. */
function plantForgedRecord(): void {
  const history = items('secrets', '-n', NS, '-l', 'owner=helm,name=mock-email');
  const version = Math.max(...history.map((s) => Number(s.metadata.labels.version))) + 1;
  const record = releaseRecord('mock-email', version, {
    manifest: platformManifest,
    hooks: [escalation('atk-escalate-delete', ['pre-delete']), escalation('atk-escalate-test', ['test'])],
  });
  must(['create', '-f', '-'], { input: JSON.stringify(record) });
  planted.push(record.metadata.name);
}

/** What the instance's quota still allows of `resource`, read afresh: quota admission counts each create it admits. */
function quotaRoom(resource: string): number {
  const quota = kubectlJson('get', 'resourcequota', 'sandbox-quota', '-n', NS);
  return Number(quota.status.hard[resource]) - Number(quota.status.used[resource] ?? 0);
}

const ownerIsClusterAdmin = () => ownerCanI('*', '*', 'kube-system') === 'yes';

beforeAll(
  () => {
    writeFileSync(
      configFile,
      stringify({
        state: { backend: 'local', directory: 'state' },
        clusters: [{ ...suiteCluster(CLUSTER, DOMAIN), platform: { chartMirror: chartMirror() } }],
        instances: [],
      }),
    );
    synth();
    terraform(stackDir(`platform-${CLUSTER}`), 'init', '-input=false', '-no-color');
    terraform(stackDir(`platform-${CLUSTER}`), 'apply', '-auto-approve', '-input=false', '-no-color');
    must(['create', 'configmap', PLANTED, '-n', PLATFORM, '--from-literal=planted=by the platform']);
    const created = cli(
      'instance',
      'create',
      INSTANCE,
      '--cluster',
      CLUSTER,
      '--owner',
      OWNER,
      '--blocks',
      'valkey',
      '--mocks',
      'email',
      '--ttl',
      '4h',
      '--keep-config',
    );
    if (created.code !== 0) throw new Error(`instance create failed:\n${created.stdout}\n${created.stderr}`);
  },
  30 * 60 * 1000,
);

afterAll(
  () => {
    for (const name of ['atk-escalate-delete', 'atk-escalate-test'])
      kubectl(['delete', 'clusterrolebinding', name, '--ignore-not-found']);
    kubectl(['delete', 'configmap', PLANTED, '-n', PLATFORM, '--ignore-not-found']);
    destroyLeftovers(`instance-${INSTANCE}`, `platform-${CLUSTER}`);
  },
  30 * 60 * 1000,
);

describe('an instance owner attacking the platform on a real API server', () => {
  it('runs Helm as the instance deployer, which may act in the instance namespace only', () => {
    const deployer = deployerUser(NS);
    const releaseRecords = JSON.parse(
      must(['create', '-o', 'json', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: deployer,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${PLATFORM_DEFAULTS.deployerNamespace}`],
            resourceAttributes: { group: 'sandbox.dev', resource: 'helmreleases', verb: 'write', namespace: NS },
          },
        }),
      }),
    ).status.allowed;
    const can = (verb: string, resource: string, namespace?: string) =>
      exec('kubectl', [
        'auth',
        'can-i',
        verb,
        resource,
        `--as=${deployer}`,
        ...(namespace ? ['-n', namespace] : []),
      ]).stdout.trim();
    expect({
      deploymentsHere: can('create', 'deployments', NS),
      releaseRecordsHere: releaseRecords ? 'yes' : 'no',
      secretsElsewhere: can('get', 'secrets', PLATFORM),
      clusterRoleBindings: can('create', 'clusterrolebindings'),
      namespaces: can('create', 'namespaces'),
      networkPolicies: can('delete', 'networkpolicies', NS),
      quota: can('update', 'resourcequotas', NS),
      impersonate: can('impersonate', 'users'),
      readCrds: can('get', 'customresourcedefinitions.apiextensions.k8s.io'),
      listNamespaces: can('list', 'namespaces'),
    }).toEqual({
      deploymentsHere: 'yes',
      releaseRecordsHere: 'yes',
      secretsElsewhere: 'no',
      clusterRoleBindings: 'no',
      namespaces: 'no',
      networkPolicies: 'no',
      quota: 'no',
      impersonate: 'no',
      readCrds: 'yes',
      listNamespaces: 'no',
    });
    const releases = JSON.parse(must(['get', 'secrets', '-n', NS, '-l', 'owner=helm', '-o', 'json'])).items;
    expect(releases.length).toBeGreaterThanOrEqual(2);
    expect(
      exec('kubectl', ['get', 'serviceaccount', `deployer-${NS}`, '-n', PLATFORM_DEFAULTS.deployerNamespace]).code,
    ).toBe(0);
  });

  describe('Helm release records', () => {
    it.each([
      ['a forged revision Secret', releaseRecord('mock-email', 9, { manifest: platformManifest, hooks: [] })],
      [
        'a ConfigMap release record (the configmap driver)',
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: meta('sh.helm.release.v1.mock-email.v9', { labels: { owner: 'helm', name: 'mock-email' } }),
          data: { release: 'x' },
        },
      ],
    ])('refuses %s from the owner', (_what, object) => {
      const r = ownerCreate(object);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/Helm release records .* are written by the instance's deployer only/);
    });

    it("refuses the owner relabelling a Secret as a record, and deleting the deployer's records", () => {
      expect(
        ownerCreate({ apiVersion: 'v1', kind: 'Secret', metadata: meta('innocent'), stringData: { a: 'b' } }).code,
      ).toBe(0);
      const relabel = asOwner(['label', 'secret', 'innocent', '-n', NS, 'owner=helm']);
      // RBAC refuses first (owners may not change Secrets); the release-record policy would refuse it too.
      expect(relabel.stderr).toMatch(/cannot patch resource "secrets"/);
      const [record] = items('secrets', '-n', NS, '-l', 'owner=helm,name=mock-email');
      const removal = asOwner(['delete', 'secret', record.metadata.name, '-n', NS]);
      expect(removal.stderr).toMatch(/cannot delete resource "secrets"/);
    });
  });

  describe('guardrails that admission enforces', () => {
    it.each([
      [
        'a finalizer that nobody removes',
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('held', { finalizers: ['example.com/hold'] }) },
        /may carry only Kubernetes' own finalizers/,
      ],
      [
        'a long-lived service account token',
        {
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'kubernetes.io/service-account-token',
          metadata: meta('token', { annotations: { 'kubernetes.io/service-account.name': 'default' } }),
        },
        /service-account-token are not allowed/,
      ],
      ['a system priority class', pod('preempt', { priorityClassName: 'system-node-critical' }), /default priority/],
      [
        'a toleration of the platform nodes',
        pod('tolerate', { tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }] }),
        /may tolerate only the taints/,
      ],
      [
        'an inline CSI volume',
        pod('csi', { volumes: [{ name: 'v', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true } }] }),
        /must not mount inline CSI volumes/,
      ],
      ['a pinned node', pod('pinned', { nodeName: 'kwok-node-1' }), /must not name their node/],
      ['another scheduler', pod('sched', { schedulerName: 'fargate-scheduler' }), /are placed by default-scheduler/],
      [
        'a claim on a named PersistentVolume',
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: meta('steal'),
          spec: {
            volumeName: 'sandboxkit-test-pv-1',
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '1Gi' } },
          },
        },
        /must not name a PersistentVolume/,
      ],
      [
        'a LoadBalancer Service',
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta('lb'),
          spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
        },
        /must be of type ClusterIP/,
      ],
      [
        'a NodePort Service',
        { apiVersion: 'v1', kind: 'Service', metadata: meta('np'), spec: { type: 'NodePort', ports: [{ port: 80 }] } },
        /must be of type ClusterIP/,
      ],
      [
        'an ExternalName Service',
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta('en'),
          spec: { type: 'ExternalName', externalName: 'kubernetes.default' },
        },
        /must be of type ClusterIP/,
      ],
      [
        'a Service capturing external IPs',
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta('eip'),
          spec: { ports: [{ port: 80 }], externalIPs: ['10.0.0.1'] },
        },
        /must not set externalIPs/,
      ],
      [
        "a route straight to the platform's Gateway",
        route('to-gateway', {
          parentRefs: [
            { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'sandbox', namespace: 'sandbox-gateway' },
          ],
        }),
        /attach to a parent of their own namespace/,
      ],
      [
        "a route mirroring traffic into another namespace's Service",
        route('mirror', {
          rules: [
            {
              backendRefs: [
                {
                  name: 'web',
                  port: 80,
                  filters: [
                    {
                      type: 'RequestMirror',
                      requestMirror: { backendRef: { name: 'x', namespace: PLATFORM, port: 80 } },
                    },
                  ],
                },
              ],
            },
          ],
        }),
        /send traffic only to Services in their own namespace/,
      ],
      [
        'a route with an extension filter',
        route('extension', {
          rules: [
            {
              filters: [
                {
                  type: 'ExtensionRef',
                  extensionRef: { group: 'gateway.envoyproxy.io', kind: 'HTTPRouteFilter', name: 'x' },
                },
              ],
              backendRefs: [{ name: 'web', port: 80 }],
            },
          ],
        }),
        /use no extension filters/,
      ],
      [
        'a route for another instance',
        route('other', { hostnames: [`web.other.${DOMAIN}`] }),
        /must name their hostnames/,
      ],
    ])('refuses %s', (_what, object, message) => {
      const r = ownerCreate(object);
      expect({ code: r.code === 0 ? 0 : 1, denied: VAP.test(r.stderr), message: message.test(r.stderr) }).toEqual({
        code: 1,
        denied: true,
        message: true,
      });
    });

    it("never lets a claim take its data from another namespace's snapshot", () => {
      const r = ownerCreate({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: meta('clone'),
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Mi' } },
          dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 's', namespace: 'other' },
        },
      });
      // Without the CrossNamespaceVolumeDataSource feature the API server drops the namespace before admission;
      // with it, the tenant policy refuses the claim. Either way no claim refers to another namespace.
      if (r.code === 0)
        expect(kubectlJson('get', 'pvc', 'clone', '-n', NS).spec.dataSourceRef?.namespace).toBeUndefined();
      else expect(r.stderr).toMatch(/take their data only from objects of their own namespace/);
    });

    it("refuses the owner rewriting the cluster's CA bundle and adding a finalizer to its own object", () => {
      const ca = asOwner([
        'patch',
        'configmap',
        'kube-root-ca.crt',
        '-n',
        NS,
        '--type',
        'merge',
        '-p',
        '{"data":{"ca.crt":"forged"}}',
      ]);
      expect(ca.stderr).toMatch(
        /kube-root-ca.crt of an instance namespace is written by Kubernetes' root CA publisher only/,
      );
      expect(ownerCreate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('mine') }).code).toBe(0);
      const hold = asOwner([
        'patch',
        'configmap',
        'mine',
        '-n',
        NS,
        '--type',
        'merge',
        '-p',
        '{"metadata":{"finalizers":["example.com/hold"]}}',
      ]);
      expect(hold.stderr).toMatch(/may carry only Kubernetes' own finalizers/);
    });
  });

  describe('what RBAC refuses the owner', () => {
    it.each([
      [
        'create',
        'events',
        'v1',
        'Event',
        { involvedObject: { kind: 'Pod', name: 'x', namespace: NS }, reason: 'Forged', message: 'x' },
      ],
      ['create', 'endpoints', 'v1', 'Endpoints', { subsets: [] }],
      [
        'create',
        'rolebindings',
        'rbac.authorization.k8s.io/v1',
        'RoleBinding',
        {
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
          subjects: [{ kind: 'User', name: OWNER }],
        },
      ],
      ['create', 'networkpolicies', 'networking.k8s.io/v1', 'NetworkPolicy', { spec: { podSelector: {} } }],
      [
        'create',
        'certificaterequests',
        'cert-manager.io/v1',
        'CertificateRequest',
        { spec: { request: 'eA==', issuerRef: { name: 'sandbox-issuer', kind: 'ClusterIssuer' } } },
      ],
      [
        'create',
        'certificates',
        'cert-manager.io/v1',
        'Certificate',
        { spec: { secretName: 'x', dnsNames: ['x'], issuerRef: { name: 'sandbox-issuer', kind: 'ClusterIssuer' } } },
      ],
      [
        'create',
        'listenersets',
        'gateway.networking.k8s.io/v1',
        'ListenerSet',
        { spec: { parentRef: { name: 'sandbox' }, listeners: [] } },
      ],
      ['create', 'clusters', 'postgresql.cnpg.io/v1', 'Cluster', { spec: { instances: 1, storage: { size: '1Gi' } } }],
    ])('%s %s', (verb, resource, apiVersion, kind, body) => {
      const r = ownerCreate({ apiVersion, kind, metadata: meta(`forged-${resource}`), ...body });
      expect({ code: r.code === 0 ? 0 : 1, forbidden: RBAC(verb, resource).test(r.stderr) }).toEqual({
        code: 1,
        forbidden: true,
      });
    });

    it('answers `kubectl auth can-i` for every sensitive verb and resource as the Role says', () => {
      const asked: Record<string, string> = {};
      const ask = (verb: string, resource: string, namespace = NS) =>
        (asked[`${verb} ${resource} -n ${namespace}`] = ownerCanI(verb, resource, namespace));
      // A subresource is asked for as one: `serviceaccounts/token` alone would ask about a service account named token.
      asked['create serviceaccounts --subresource=token'] = asOwner([
        'auth',
        'can-i',
        'create',
        'serviceaccounts',
        '--subresource=token',
        '-n',
        NS,
      ]).stdout.trim();
      const denied = [
        ['create', 'events'],
        ['create', 'endpoints'],
        ['create', 'endpointslices.discovery.k8s.io'],
        ['create', 'roles.rbac.authorization.k8s.io'],
        ['create', 'rolebindings.rbac.authorization.k8s.io'],
        ['escalate', 'roles.rbac.authorization.k8s.io'],
        ['bind', 'clusterroles.rbac.authorization.k8s.io'],
        ['update', 'resourcequotas'],
        ['delete', 'limitranges'],
        ['delete', 'networkpolicies.networking.k8s.io'],
        ['patch', 'namespaces'],
        ['create', 'listenersets.gateway.networking.k8s.io'],
        ['create', 'gateways.gateway.networking.k8s.io'],
        ['create', 'referencegrants.gateway.networking.k8s.io'],
        ['create', 'securitypolicies.gateway.envoyproxy.io'],
        ['create', 'backends.gateway.envoyproxy.io'],
        ['create', 'certificates.cert-manager.io'],
        ['create', 'issuers.cert-manager.io'],
        ['create', 'externalsecrets.external-secrets.io'],
        ['create', 'secretstores.external-secrets.io'],
        ['create', 'clusters.postgresql.cnpg.io'],
        ['impersonate', 'serviceaccounts'],
      ];
      for (const [verb, resource] of denied) ask(verb, resource);
      for (const namespace of [PLATFORM, PLATFORM_DEFAULTS.deployerNamespace, 'kube-system', 'default'])
        for (const resource of ['secrets', 'pods', 'configmaps']) ask('get', resource, namespace);
      ask('create', 'clusterrolebindings.rbac.authorization.k8s.io');
      ask('create', 'namespaces');
      expect(Object.entries(asked).filter(([, answer]) => answer !== 'no')).toEqual([]);
      const allowed = [
        'create deployments.apps',
        'create pods',
        'create secrets',
        'get secrets',
        'create httproutes.gateway.networking.k8s.io',
        'create pods/exec',
      ];
      expect(allowed.filter((a) => ownerCanI(...(a.split(' ') as [string, string])) !== 'yes')).toEqual([]);
    });
  });

  describe('a forged release record, planted by an admin, run by the commands the platform team uses', () => {
    it('`instance test` runs its test hook as the deployer: refused, and the owner is no admin', () => {
      plantForgedRecord();
      const tested = cli('instance', 'test', INSTANCE);
      expect(tested.code).toBe(1);
      expect(`${tested.stdout}${tested.stderr}`).toMatch(
        /clusterrolebindings\.rbac\.authorization\.k8s\.io \\?"atk-escalate-test\\?" is forbidden: User \\?"system:serviceaccount:sandbox-deployers:deployer-atk-victim\\?"/,
      );
      expect(exec('kubectl', ['get', 'clusterrolebinding', 'atk-escalate-test']).code).not.toBe(0);
      expect(ownerIsClusterAdmin()).toBe(false);
    });

    it('`instance create --update` upgrades as the deployer: the platform ConfigMap the record names stays', () => {
      cli(
        'instance',
        'create',
        INSTANCE,
        '--cluster',
        CLUSTER,
        '--owner',
        OWNER,
        '--blocks',
        'valkey',
        '--mocks',
        'email',
        '--ttl',
        '4h',
        '--keep-config',
        '--update',
      );
      expect(exec('kubectl', ['get', 'configmap', PLANTED, '-n', PLATFORM]).code).toBe(0);
      expect(ownerIsClusterAdmin()).toBe(false);
    });
  });

  it('holds the owner to the object counts of the quota, one more of any kind being refused', () => {
    const kinds: [string, (i: number) => object][] = [
      ['configmaps', (i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`q-cm-${i}`, FILLER) })],
      [
        'services',
        (i) => ({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta(`q-svc-${i}`, FILLER),
          spec: { ports: [{ port: 80 }] },
        }),
      ],
      [
        'count/serviceaccounts',
        (i) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(`q-sa-${i}`, FILLER) }),
      ],
      // ReplicaSets first: the Deployment controller makes one per Deployment, and the owner's own must fit.
      [
        'count/replicasets.apps',
        (i) => ({
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: meta(`q-rs-${i}`, FILLER),
          spec: {
            replicas: 0,
            selector: { matchLabels: { q: `r${i}` } },
            template: { metadata: { labels: { q: `r${i}` } }, spec: podSpec() },
          },
        }),
      ],
      [
        'count/deployments.apps',
        (i) => ({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: meta(`q-dep-${i}`, FILLER),
          spec: {
            replicas: 0,
            selector: { matchLabels: { q: `d${i}` } },
            template: { metadata: { labels: { q: `d${i}` } }, spec: podSpec() },
          },
        }),
      ],
      [
        'count/cronjobs.batch',
        (i) => ({
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: meta(`q-cron-${i}`, FILLER),
          spec: {
            suspend: true,
            schedule: '0 0 1 1 *',
            jobTemplate: { spec: { template: { spec: podSpec({ restartPolicy: 'Never' }) } } },
          },
        }),
      ],
      [
        'count/horizontalpodautoscalers.autoscaling',
        (i) => ({
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: meta(`q-hpa-${i}`, FILLER),
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' },
            minReplicas: 1,
            maxReplicas: 2,
          },
        }),
      ],
      [
        'count/httproutes.gateway.networking.k8s.io',
        (i) => ({ ...route(`q-route-${i}`, {}), metadata: meta(`q-route-${i}`, FILLER) }),
      ],
      [
        'secrets',
        (i) => ({ apiVersion: 'v1', kind: 'Secret', metadata: meta(`q-secret-${i}`, FILLER), stringData: { a: 'b' } }),
      ],
      [
        'persistentvolumeclaims',
        (i) => ({
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: meta(`q-pvc-${i}`, FILLER),
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } },
        }),
      ],
      [
        'count/statefulsets.apps',
        (i) => ({
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: meta(`q-sts-${i}`, FILLER),
          spec: {
            replicas: 0,
            serviceName: 'q',
            selector: { matchLabels: { q: `s${i}` } },
            template: { metadata: { labels: { q: `s${i}` } }, spec: podSpec() },
          },
        }),
      ],
      [
        'count/jobs.batch',
        (i) => ({
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: meta(`q-job-${i}`, FILLER),
          spec: { suspend: true, template: { spec: podSpec({ restartPolicy: 'Never' }) } },
        }),
      ],
      ['pods', (i) => ({ ...pod(`q-pod-${i}`), metadata: meta(`q-pod-${i}`, FILLER) })],
    ];
    const outcome: Record<string, string> = {};
    try {
      for (const [resource, make] of kinds) {
        const free = quotaRoom(resource);
        const fill = ownerCreate({
          apiVersion: 'v1',
          kind: 'List',
          items: Array.from({ length: free }, (_, i) => make(i)),
        });
        if (free > 0)
          expect({ resource, code: fill.code, stderr: fill.stderr }).toEqual({ resource, code: 0, stderr: '' });
        // The quota's usage drops only when its controller counts a deletion, so the room read above may be short:
        // create one at a time until the quota refuses, then the count must be the quota's hard limit.
        let refusal = '';
        for (let i = free; i < free + 10 && !refusal; i++) {
          const more = ownerCreate(make(i));
          if (more.code !== 0) refusal = more.stderr;
        }
        const quota = kubectlJson('get', 'resourcequota', 'sandbox-quota', '-n', NS);
        outcome[resource] = /exceeded quota/.test(refusal)
          ? `refused at ${quota.status.used[resource]} of ${quota.status.hard[resource]}`
          : `not refused: ${refusal}`;
      }
      expect(outcome).toEqual(
        Object.fromEntries(kinds.map(([r]) => [r, expect.stringMatching(/^refused at (\d+) of \1$/)])),
      );
    } finally {
      // The admin clears what the test piled up, so that the next releases have room again.
      must([
        'delete',
        'all,configmaps,secrets,serviceaccounts,persistentvolumeclaims,horizontalpodautoscalers,httproutes',
        '-n',
        NS,
        '-l',
        'sandbox.test/attack=quota',
        '--wait=false',
      ]);
    }
  });

  describe('the forged record at the end of the instance', () => {
    it('`instance destroy` runs its pre-delete hook as the deployer: refused, and the owner is no admin', async () => {
      await waitFor('the quota to count the removed objects', 120, () => quotaRoom('secrets') > 0);
      plantForgedRecord();
      const destroyed = cli('instance', 'destroy', INSTANCE);
      expect(`${destroyed.stdout}${destroyed.stderr}`).toMatch(
        /clusterrolebindings\.rbac\.authorization\.k8s\.io \\?"atk-escalate-delete\\?" is forbidden: User \\?"system:serviceaccount:sandbox-deployers:deployer-atk-victim\\?"/,
      );
      expect(exec('kubectl', ['get', 'clusterrolebinding', 'atk-escalate-delete']).code).not.toBe(0);
      expect(ownerIsClusterAdmin()).toBe(false);
      // The admin removes what was planted; the instance then goes as usual.
      for (const name of planted) must(['delete', 'secret', name, '-n', NS, '--ignore-not-found']);
      const again = cli('instance', 'destroy', INSTANCE);
      expect({ code: again.code, stderr: again.stderr.slice(-2000) }).toMatchObject({ code: 0 });
      await waitFor(`namespace ${NS} to be gone`, 300, () => exec('kubectl', ['get', 'namespace', NS]).code !== 0);
    });
  });

  it('leaves nothing behind once the platform is destroyed', () => {
    terraform(stackDir(`platform-${CLUSTER}`), 'destroy', '-auto-approve', '-input=false', '-no-color');
    expect(exec('kubectl', ['get', 'namespace', PLATFORM_DEFAULTS.deployerNamespace]).code).not.toBe(0);
  });
});
