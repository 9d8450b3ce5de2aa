import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { Testing, TerraformStack } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { parseAllDocuments } from 'yaml';
import { OWNER_RULES } from '../../constructs/instance/owner-access';
import { ResourceGuardrails } from '../../constructs/instance/resource-guardrails';
import { SIZE_PROFILES } from '../../constructs/instance/size-profile';
import { onlyResource, synthJson, tempDir } from '../fixtures';
import { requireTool } from '../tools';
import { helmRun, kubectl, must } from './kubectl-as';
import { runReaperScript } from './reaper-run';

/*
 * Tenant isolation on a real API server (KUBECONFIG): the tenant-policies and instance-reaper charts are installed
 * with Helm, an instance-like namespace gets the owner Role, the quota and the reaper binding the instance
 * constructs make, and the owner, the reaper and an admin try what a hostile tenant would.
 *
 * The cluster may be shared with other suites, so everything here is named after this run, and the charts select
 * instance namespaces by a label key of this run as well as carrying the usual sandbox.dev labels: the policies and
 * the reaper never touch another suite's namespaces. Pods do not run on a kwok cluster, so the reaper script runs
 * here, against the API server, as the reaper's service account.
 */

const ROOT = join(__dirname, '..', '..');
const MIRROR = process.env.SANDBOXKIT_CHARTS_MIRROR ?? join(ROOT, '..', 'shared', 'charts-mirror');
const RUN = `iso${Date.now().toString(36)}`;
const LABEL = `${RUN}.sandbox.dev/instance`;
const DOMAIN = 'iso.test';
const PLATFORM_NS = `${RUN}-platform`;
const INSTANCE = `demo-${RUN}`;
const NS = `${RUN}-demo`;
const OTHER_NS = `${RUN}-other`;
const OWNER = `owner-${RUN}@example.org`;
const POLICIES = `policies-${RUN}`;
const REAPER = `reaper-${RUN}`;
const REAPER_FULLNAME = `${REAPER}-instance-reaper`;
const REAPER_USER = `system:serviceaccount:${PLATFORM_NS}:${REAPER_FULLNAME}`;
const STATE_CONFIGMAP = `${REAPER_FULLNAME}-state`;

const kubeconfig = process.env.KUBECONFIG;
const helm = requireTool('helm');

/** Creates `objects` as `as` (default: the admin running the test), returning kubectl's result. */
const create = (objects: object | object[], as?: string) =>
  kubectl(['create', '-f', '-', '-o', 'name'], {
    input: JSON.stringify(Array.isArray(objects) ? { apiVersion: 'v1', kind: 'List', items: objects } : objects),
    as,
  });
/** `kubectl auth can-i`; a resource `deployments.apps/scale` asks for the subresource. */
const canI = (verb: string, resource: string, namespace: string, as: string) => {
  const [name, sub] = resource.split('/');
  return kubectl(['auth', 'can-i', verb, name, '-n', namespace, ...(sub ? [`--subresource=${sub}`] : [])], {
    as,
  }).stdout.trim();
};
const DENIED = /ValidatingAdmissionPolicy '[^']+' with binding '[^']+' denied request/;

const instanceLabels = {
  'sandbox.dev/instance': INSTANCE,
  [LABEL]: INSTANCE,
  'sandbox.dev/cluster': 'iso',
  'sandbox.dev/owner': 'owner',
  'app.kubernetes.io/managed-by': 'sandboxkit',
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  // cert-manager's own webhook has no pods here; this keeps its validation out of the way of the policies'.
  'cert-manager.io/disable-validation': 'true',
};

/** The quota and limit range ResourceGuardrails synthesizes for a four-pod instance, as Kubernetes objects. */
function guardrailObjects(namespace: string): object[] {
  const stack = new TerraformStack(Testing.app(), 'guardrails');
  new KubernetesProvider(stack, 'kubernetes', {});
  new ResourceGuardrails(stack, 'Guardrails', { namespace, quota: { ...SIZE_PROFILES.small, pods: 4 } });
  const json = synthJson(stack);
  const quota = onlyResource(json, 'kubernetes_resource_quota_v1');
  const limit = onlyResource(json, 'kubernetes_limit_range_v1').spec.limit[0];
  return [
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: quota.metadata.name, namespace },
      spec: { hard: quota.spec.hard },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'sandbox-limits', namespace },
      spec: {
        limits: [{ type: limit.type, default: limit.default, defaultRequest: limit.default_request, max: limit.max }],
      },
    },
  ];
}

const ownerRole = (namespace: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name: 'sandbox-owner', namespace },
  rules: OWNER_RULES.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
});
const binding = (namespace: string, name: string, roleRef: { kind: string; name: string }, subject: object) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
  subjects: [subject],
});
/** What ReaperAccess creates in an instance namespace, for this run's reaper release. */
const reaperBinding = (namespace: string) =>
  binding(
    namespace,
    'sandbox-reaper',
    { kind: 'ClusterRole', name: `${REAPER_FULLNAME}-instance` },
    { kind: 'ServiceAccount', name: REAPER_FULLNAME, namespace: PLATFORM_NS },
  );

const restrictedPod = (name: string, extra: { labels?: Record<string, string>; spec?: object } = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: NS, labels: { app: name, ...extra.labels } },
  spec: {
    securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'c',
        image: 'registry.invalid/app:1',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
    ...extra.spec,
  },
});
const service = (name: string, spec: object, metadata: object = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: NS, ...metadata },
  spec: { ports: [{ port: 80 }], ...spec },
});
const route = (name: string, hostnames?: string[], backend: object = { name: 'web', port: 80 }) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: NS },
  spec: {
    ...(hostnames ? { hostnames } : {}),
    parentRefs: [{ name: 'sandbox', kind: 'ListenerSet', group: 'gateway.networking.k8s.io' }],
    rules: [{ backendRefs: [backend] }],
  },
});
const listenerSet = (name: string, hostname?: string) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'ListenerSet',
  metadata: { name, namespace: NS },
  spec: {
    parentRef: { name: 'sandbox', namespace: 'sandbox-gateway', kind: 'Gateway', group: 'gateway.networking.k8s.io' },
    listeners: [
      {
        name: 'https',
        port: 443,
        protocol: 'HTTPS',
        ...(hostname ? { hostname } : {}),
        tls: { mode: 'Terminate', certificateRefs: [{ name: 'wildcard' }] },
      },
    ],
  },
});
const certificate = (name: string, spec: object) => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name, namespace: NS },
  spec: {
    secretName: name,
    issuerRef: { name: 'sandbox-issuer', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    ...spec,
  },
});
const inside = (host: string) => `${host}.${INSTANCE}.${DOMAIN}`;

/** CRDs this run created (those that did not exist yet), deleted again at the end. */
const createdCrds: string[] = [];

function installMissingCrds(documents: string): void {
  for (const doc of parseAllDocuments(documents).map((d) => d.toJS())) {
    if (doc?.kind !== 'CustomResourceDefinition') continue;
    if (kubectl(['get', 'crd', doc.metadata.name]).code === 0) continue;
    must(['create', '-f', '-'], { input: JSON.stringify(doc) });
    createdCrds.push(doc.metadata.name);
  }
  for (const name of createdCrds) must(['wait', '--for=condition=Established', `crd/${name}`, '--timeout=60s']);
}

function untar(archive: string, member: string): string {
  const dir = tempDir('crds-');
  const r = spawnSync('tar', ['xzf', archive, '-C', dir, member], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar ${archive} ${member}: ${r.stderr}`);
  return readFileSync(join(dir, member), 'utf8');
}

beforeAll(() => {
  if (!kubeconfig)
    throw new Error('KUBECONFIG must name the cluster for this suite (e.g. source ~/.cache/realk8s-shared/run/env)');
  installMissingCrds(
    untar(join(MIRROR, 'gateway-helm-v1.9.0.tgz'), 'gateway-helm/charts/crds/crds/gatewayapi-crds.yaml'),
  );
  installMissingCrds(
    helmRun([
      'template',
      'cm',
      join(MIRROR, 'cert-manager-v1.21.1.tgz'),
      '--set',
      'crds.enabled=true',
      '--kube-version',
      '1.34.0',
    ]),
  );

  must(['create', 'namespace', PLATFORM_NS]);
  must([
    'label',
    'namespace',
    PLATFORM_NS,
    'sandbox.dev/platform=true',
    'pod-security.kubernetes.io/enforce=restricted',
  ]);
  helmRun([
    'install',
    POLICIES,
    join(ROOT, 'charts', 'tenant-policies'),
    '-n',
    PLATFORM_NS,
    '--set',
    `ingressDomain=${DOMAIN}`,
    '--set',
    `instanceLabel=${LABEL}`,
    '--set',
    `deployer.clusterRoleName=${RUN}-deployer`,
    '--wait',
  ]);
  helmRun([
    'install',
    REAPER,
    join(ROOT, 'charts', 'instance-reaper'),
    '-n',
    PLATFORM_NS,
    '--set',
    `instanceLabel=${LABEL}`,
    '--wait',
  ]);

  must(['create', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: instanceLabels } }),
  });
  must(['create', 'namespace', OTHER_NS]);
  must(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        ownerRole(NS),
        binding(
          NS,
          'sandbox-owner',
          { kind: 'Role', name: 'sandbox-owner' },
          { kind: 'User', name: OWNER, apiGroup: 'rbac.authorization.k8s.io' },
        ),
        reaperBinding(NS),
        ...guardrailObjects(NS),
      ],
    }),
  });
  // An object counted by a quota whose usage the quota controller has not computed yet is refused ("status unknown
  // for quota"): wait as the kubernetes provider does, until the quota's status covers everything it counts.
  for (let i = 0; i < 100; i++) {
    const quota = JSON.parse(must(['get', 'resourcequota', 'sandbox-quota', '-n', NS, '-o', 'json']));
    if (Object.keys(quota.spec.hard).every((k) => quota.status?.hard?.[k] !== undefined)) break;
    spawnSync('sleep', ['0.2']);
  }
  // A policy's first evaluation waits for the API server to compile it; make sure it is in force before probing.
  for (
    let i = 0;
    i < 50 &&
    create(service('warm-up', { type: 'ExternalName', externalName: 'example.org', ports: undefined }), undefined)
      .code === 0;
    i++
  ) {
    must(['delete', 'service', 'warm-up', '-n', NS]);
    spawnSync('sleep', ['0.2']);
  }
}, 300000);

/** What is left of this run on the cluster: namespaces, cluster-scoped objects, Helm releases, CRDs it created. */
function leftovers(): string[] {
  const named = (kind: string) =>
    kubectl(['get', kind, '-o', 'name'])
      .stdout.split('\n')
      .filter((n) => n.includes(RUN));
  const kinds = [
    'namespaces',
    'clusterroles',
    'clusterrolebindings',
    'validatingadmissionpolicies',
    'validatingadmissionpolicybindings',
  ];
  const releases = spawnSync(helm, ['list', '-A', '-q'], { encoding: 'utf8', env: process.env })
    .stdout.split('\n')
    .filter((r) => r.includes(RUN));
  const crds = createdCrds.filter((crd) => kubectl(['get', 'crd', crd]).code === 0);
  return [...kinds.flatMap(named), ...releases.map((r) => `helm release ${r}`), ...crds.map((c) => `crd ${c}`)];
}

afterAll(() => {
  // The Terminating namespace of the reaper test holds a finalizer of this run; release it first.
  kubectl([
    'patch',
    'namespace',
    `${RUN}-held`,
    '--type',
    'json',
    '-p',
    '[{"op":"remove","path":"/metadata/finalizers"}]',
  ]);
  for (const release of [REAPER, POLICIES])
    spawnSync(helm, ['uninstall', release, '-n', PLATFORM_NS, '--wait'], { env: process.env });
  const namespaces = kubectl(['get', 'namespaces', '-o', 'name'])
    .stdout.split('\n')
    .filter((n) => n.startsWith(`namespace/${RUN}-`));
  // --ignore-not-found: the held namespace may finish terminating between the list and the delete.
  if (namespaces.length) kubectl(['delete', ...namespaces, '--ignore-not-found', '--wait=true', '--timeout=180s']);
  for (const crd of [...createdCrds]) {
    // Another suite may have started using a CRD this run created; it stays then, and is reported.
    if (kubectl(['get', crd.replace(/^([^.]+)\./, '$1.'), '-A', '-o', 'name']).stdout.trim() === '')
      kubectl(['delete', 'crd', crd, '--wait=true']);
  }
  // Namespace deletion is the controller's work: give a busy machine time before calling anything a leftover.
  let left = leftovers();
  for (let i = 0; i < 60 && left.length; i++) {
    spawnSync('sleep', ['2']);
    left = leftovers();
  }
  if (left.length) throw new Error(`tenant isolation test left ${left.length} object(s) behind: ${left.join(', ')}`);
}, 600000);

describe('tenant isolation on a real API server', () => {
  describe('the owner', () => {
    it.each([
      ['create', 'deployments.apps'],
      ['create', 'services'],
      ['create', 'httproutes.gateway.networking.k8s.io'],
      ['get', 'secrets'],
      ['create', 'pods/exec'],
    ])('may %s %s in the instance namespace', (verb, resource) => {
      expect(canI(verb, resource, NS, OWNER)).toBe('yes');
    });

    it.each([
      ['create', 'endpoints'],
      ['update', 'endpoints'],
      ['create', 'endpointslices.discovery.k8s.io'],
      ['create', 'listenersets.gateway.networking.k8s.io'],
      ['create', 'gateways.gateway.networking.k8s.io'],
      ['create', 'referencegrants.gateway.networking.k8s.io'],
      ['create', 'ingresses.networking.k8s.io'],
      ['create', 'certificates.cert-manager.io'],
      ['delete', 'networkpolicies.networking.k8s.io'],
      ['delete', 'resourcequotas'],
      ['create', 'rolebindings.rbac.authorization.k8s.io'],
    ])('may not %s %s in the instance namespace', (verb, resource) => {
      expect(canI(verb, resource, NS, OWNER)).toBe('no');
    });

    it('has no rights in another namespace', () => {
      expect(canI('create', 'services', OTHER_NS, OWNER)).toBe('no');
      expect(canI('get', 'secrets', OTHER_NS, OWNER)).toBe('no');
    });

    it('is denied Endpoints and EndpointSlices it writes by hand', () => {
      const endpoints = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'web', namespace: NS },
        subsets: [{ addresses: [{ ip: '10.96.0.1' }], ports: [{ port: 443 }] }],
      };
      const slice = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-x', namespace: NS, labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.96.0.1'] }],
        ports: [{ port: 443 }],
      };
      for (const obj of [endpoints, slice])
        expect(create(obj, OWNER).stderr).toMatch(/forbidden: User ".*" cannot create resource/);
    });

    it.each([
      [
        'an ExternalName Service',
        service('ext', { type: 'ExternalName', externalName: 'api.other-instance.iso.test', ports: undefined }),
        /must be of type ClusterIP, got ExternalName/,
      ],
      ['a NodePort Service', service('np', { type: 'NodePort' }), /must be of type ClusterIP, got NodePort/],
      [
        'a LoadBalancer Service',
        service('lb', { type: 'LoadBalancer' }),
        /must be of type ClusterIP, got LoadBalancer/,
      ],
      ['a Service with externalIPs', service('eip', { externalIPs: ['203.0.113.10'] }), /must not set externalIPs/],
      [
        'a Service with an external-dns name',
        service('dns', {}, { annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'www.bank.example' } }),
        /must not carry external-dns annotations/,
      ],
      [
        'a Fargate-labelled pod',
        restrictedPod('fargate', { labels: { 'sandbox.dev/compute': 'fargate' } }),
        /must not carry the labels sandbox.dev\/compute/,
      ],
      [
        'a pod for another scheduler',
        restrictedPod('sched', { spec: { schedulerName: 'fargate-scheduler' } }),
        /placed by default-scheduler, not fargate-scheduler/,
      ],
      [
        'a pod pinned to a node',
        restrictedPod('pinned', { spec: { nodeName: 'kwok-node-1' } }),
        /must not name their node/,
      ],
      [
        'an HTTPRoute for another instance hostname',
        route('foreign', [inside('web'), `web.other-instance.${DOMAIN}`]),
        /must name their hostnames, each under \*\.demo-/,
      ],
      [
        'an HTTPRoute for a hostname outside the domain',
        route('bank', ['www.bank.example']),
        /must name their hostnames/,
      ],
      ['an HTTPRoute without hostnames', route('catch-all'), /must name their hostnames/],
      [
        'an HTTPRoute to a Service of another namespace',
        route('across', [inside('web')], { name: 'web', namespace: OTHER_NS, port: 80 }),
        /only to Services in their own namespace/,
      ],
      [
        'an HTTPRoute to a gateway backend',
        route('backend', [inside('web')], {
          group: 'gateway.envoyproxy.io',
          kind: 'Backend',
          name: 'anywhere',
          port: 80,
        }),
        /only to Services in their own namespace/,
      ],
    ])('is denied %s at admission', (_what, obj, message) => {
      const r = create(obj, OWNER);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(DENIED);
      expect(r.stderr).toMatch(message);
    });

    it('is denied a privileged pod by Pod Security', () => {
      const r = create(
        restrictedPod('root', {
          spec: {
            securityContext: {},
            containers: [{ name: 'c', image: 'x:1', securityContext: { privileged: true } }],
          },
        }),
        OWNER,
      );
      expect(r.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
    });

    it.each([
      ['a ClusterIP Service', service('web', { selector: { app: 'web' } })],
      [
        'a Deployment',
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: NS },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'web' } },
            template: { metadata: { labels: { app: 'web' } }, spec: restrictedPod('x').spec },
          },
        },
      ],
      ['an HTTPRoute for its own hostnames', route('web', [inside('web'), `*.${INSTANCE}.${DOMAIN}`])],
    ])('may create %s', (_what, obj) => {
      const r = create(obj, OWNER);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    });

    it('is held to the object counts of its quota', () => {
      const hard = JSON.parse(must(['get', 'resourcequota', 'sandbox-quota', '-n', NS, '-o', 'json'])).spec.hard;
      expect(hard).toMatchObject({
        configmaps: '8',
        'count/httproutes.gateway.networking.k8s.io': '4',
        'requests.ephemeral-storage': '20Gi',
      });
      const results = Array.from({ length: 9 }, (_, i) =>
        create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: NS } }, OWNER),
      );
      // kube-root-ca.crt is the namespace's first ConfigMap.
      expect(results.filter((r) => r.code === 0)).toHaveLength(7);
      expect(results[7].stderr).toMatch(
        /exceeded quota: sandbox-quota, requested: configmaps=1, used: configmaps=8, limited: configmaps=8/,
      );
    });
  });

  describe('the admission policies, for anyone', () => {
    it.each([
      [
        'Endpoints',
        {
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: { name: 'manual', namespace: NS },
          subsets: [{ addresses: [{ ip: '10.96.0.1' }], ports: [{ port: 443 }] }],
        },
        /written by Kubernetes' controllers only/,
      ],
      [
        'a ListenerSet for another instance',
        listenerSet('foreign', `*.other-instance.${DOMAIN}`),
        /must name a hostname under \*\.demo-/,
      ],
      ['a ListenerSet without a hostname', listenerSet('any'), /must name a hostname under/],
      [
        'a Certificate with foreign dnsNames',
        certificate('foreign', { dnsNames: [inside('web'), 'www.bank.example'] }),
        /dnsNames of a certificate in an instance namespace must lie under/,
      ],
      [
        'a Certificate with an IP address',
        certificate('ip', { dnsNames: [inside('web')], ipAddresses: ['10.0.0.1'] }),
        /no IP addresses, URIs/,
      ],
      ['a CA Certificate', certificate('ca', { dnsNames: [inside('web')], isCA: true }), /must not be CAs/],
      [
        'an Ingress for another host',
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'foreign', namespace: NS },
          spec: {
            rules: [
              {
                host: 'www.bank.example',
                http: {
                  paths: [
                    { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
                  ],
                },
              },
            ],
          },
        },
        /must name a host under/,
      ],
    ])('deny %s in an instance namespace', (_what, obj, message) => {
      const r = create(obj);
      expect(r.stderr).toMatch(DENIED);
      expect(r.stderr).toMatch(message);
    });

    it.each([
      ['the instance wildcard ListenerSet', listenerSet('sandbox', `*.${INSTANCE}.${DOMAIN}`)],
      ['the instance wildcard Certificate', certificate('wildcard', { dnsNames: [`*.${INSTANCE}.${DOMAIN}`] })],
      [
        'a Certificate of a namespaced issuer, for in-cluster names',
        certificate('internal', { dnsNames: [`web.${NS}.svc`], issuerRef: { name: 'local', kind: 'Issuer' } }),
      ],
    ])('admit %s', (_what, obj) => {
      const r = create(obj);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    });

    it('leave namespaces without the instance label alone', () => {
      const r = create({
        ...service('ext', { type: 'ExternalName', externalName: 'example.org', ports: undefined }),
        metadata: { name: 'ext', namespace: OTHER_NS },
      });
      expect(r.code).toBe(0);
    });

    it('let the controllers keep Endpoints and EndpointSlices of instance Services', () => {
      const slices = () =>
        must(['get', 'endpointslices', '-n', NS, '-l', 'kubernetes.io/service-name=web', '-o', 'name']).trim();
      for (let i = 0; i < 50 && !slices(); i++) spawnSync('sleep', ['0.2']);
      expect(slices()).toMatch(/^endpointslice\.discovery\.k8s\.io\/web-/);
    });
  });

  describe('the reaper', () => {
    const asReaper = { as: REAPER_USER };

    it('may delete an instance namespace that binds its role, and no other', () => {
      expect(kubectl(['delete', 'namespace', NS, '--dry-run=server'], asReaper).code).toBe(0);
      const other = kubectl(['delete', 'namespace', OTHER_NS, '--dry-run=server'], asReaper);
      expect(other.stderr).toMatch(/forbidden: User "system:serviceaccount:.*" cannot delete resource "namespaces"/);
      expect(kubectl(['delete', 'namespace', 'kube-public', '--dry-run=server'], asReaper).stderr).toMatch(/forbidden/);
    });

    it('only reads namespaces cluster-wide', () => {
      expect(canI('list', 'namespaces', 'default', REAPER_USER)).toBe('yes');
      for (const [verb, resource] of [
        ['delete', 'namespaces'],
        ['patch', 'deployments.apps'],
        ['create', 'pods'],
        ['get', 'secrets'],
      ]) {
        expect({ verb, resource, other: canI(verb, resource, OTHER_NS, REAPER_USER) }).toEqual({
          verb,
          resource,
          other: 'no',
        });
      }
    });

    it('may scale workloads of an instance, never rewrite them', () => {
      expect(canI('patch', 'deployments.apps/scale', NS, REAPER_USER)).toBe('yes');
      expect(canI('patch', 'deployments.apps', NS, REAPER_USER)).toBe('no');
      expect(canI('update', 'statefulsets.apps', NS, REAPER_USER)).toBe('no');
      expect(kubectl(['scale', 'deployment/web', '-n', NS, '--replicas=1', '--dry-run=server'], asReaper).code).toBe(0);
      expect(kubectl(['annotate', 'deployment/web', '-n', NS, 'x=y', '--dry-run=server'], asReaper).stderr).toMatch(
        /forbidden/,
      );
    });

    it('is stopped by its admission policy where a binding was placed by mistake', () => {
      must(['create', '-f', '-'], { input: JSON.stringify(reaperBinding(OTHER_NS)) });
      try {
        const r = kubectl(['delete', 'namespace', OTHER_NS, '--dry-run=server'], asReaper);
        expect(r.stderr).toMatch(
          /ValidatingAdmissionPolicy '[^']*-instances-only'[\s\S]*may only delete sandbox instance namespaces/,
        );
      } finally {
        must(['delete', 'rolebinding', 'sandbox-reaper', '-n', OTHER_NS]);
      }
    });

    it('runs its script as a Job made from the CronJob', () => {
      const job = `${RUN}-now`;
      must(['create', 'job', `--from=cronjob/${REAPER_FULLNAME}`, job, '-n', PLATFORM_NS]);
      const spec = JSON.parse(must(['get', 'job', job, '-n', PLATFORM_NS, '-o', 'json'])).spec.template.spec;
      expect(spec.serviceAccountName).toBe(REAPER_FULLNAME);
      expect(spec.containers[0].command).toEqual(['sh', '/scripts/reap.sh']);
      must(['wait', '--for=condition=Complete', `job/${job}`, '-n', PLATFORM_NS, '--timeout=120s']);
    });

    it('reaps expired instances, sleeps them outside working hours and skips Terminating ones, as its service account', () => {
      const now = Date.parse('2026-11-23T12:00:00Z') / 1000;
      const ns = (suffix: string, annotations: Record<string, string>, finalizers?: string[]) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: `${RUN}-${suffix}`,
          labels: { ...instanceLabels, [LABEL]: `${suffix}-${RUN}` },
          annotations,
          ...(finalizers ? { finalizers } : {}),
        },
      });
      must(['create', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'List',
          items: [
            ns('expired', { 'sandbox.dev/expires-at': '2026-11-23T11:00:00Z' }),
            ns('sleepy', {
              'sandbox.dev/expires-at': '2026-11-30T00:00:00Z',
              'sandbox.dev/working-hours': 'Mon-Fri 07:00-08:00 Etc/UTC',
            }),
            ns('held', { 'sandbox.dev/expires-at': '2026-11-23T11:00:00Z' }, [`${RUN}.sandbox.dev/hold`]),
          ],
        }),
      });
      const web = (namespace: string) => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: restrictedPod('x').spec },
        },
      });
      must(['create', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'List',
          items: ['expired', 'sleepy', 'held']
            .flatMap((s) => [reaperBinding(`${RUN}-${s}`)])
            .concat([web(`${RUN}-sleepy`) as any]),
        }),
      });
      must(['delete', 'namespace', `${RUN}-held`, '--wait=false']);

      // The script, with kubectl acting as the reaper's service account.
      const run = runReaperScript({
        kubeconfig,
        user: REAPER_USER,
        label: LABEL,
        stateNamespace: PLATFORM_NS,
        stateConfigMap: STATE_CONFIGMAP,
        env: { REAPER_NOW: String(now) },
      });
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(new RegExp(`${RUN}-expired expired at`));
      expect(run.stdout).toMatch(new RegExp(`${RUN}-held is already being deleted`));

      const phase = (name: string) => kubectl(['get', 'namespace', name, '-o', 'jsonpath={.status.phase}']);
      expect(phase(`${RUN}-expired`).stdout || phase(`${RUN}-expired`).stderr).toMatch(/Terminating|NotFound/);
      expect(must(['get', 'deployment', 'web', '-n', `${RUN}-sleepy`, '-o', 'jsonpath={.spec.replicas}'])).toBe('0');
      expect(JSON.parse(must(['get', 'configmap', STATE_CONFIGMAP, '-n', PLATFORM_NS, '-o', 'json'])).data).toEqual({
        [`${RUN}-sleepy.deployment.web`]: '2',
      });
      expect(phase(NS).stdout).toBe('Active');
      expect(phase(OTHER_NS).stdout).toBe('Active');
    });
  });
});
