import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { parseConfig } from '../../config/load';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { buildStacks, resources, synthJson } from '../fixtures';
import { chartMirror, exec, exists, items, kubectlJson, must, suiteCluster, suiteWorkspace, waitFor } from './kube';

/*
 * A cluster's shared block on a real API server: its stack applied and destroyed with `sandboxkit shared`,
 * and the objects an instance stack writes to reach it and copy its credentials, created from the synthesized
 * stacks with kubectl and judged by the API server (schemas, RBAC). No operator runs here: whether
 * external-secrets could copy the Secret is asked of RBAC as its service account, with `kubectl auth can-i`.
 */

const RUN = `sh${Date.now().toString(36)}`;
const BLOCK = `cache${RUN.slice(-5)}`;
const CLUSTER = RUN;
const USER = `${RUN}-user`;
const OUTSIDER = `${RUN}-outsider`;
/** A namespace of another tenant with a Secret of its own. */
const ELSEWHERE = `${RUN}-elsewhere`;
const SHARED_NS = `shared-${BLOCK}`;
/** Only this run's instance label: another suite's platform policies select on sandbox.dev/instance. */
const LABEL = `${RUN}.sandbox.dev/instance`;
const OWNER = `owner-${RUN}@example.org`;
const READER = `system:serviceaccount:${USER}:shared-${BLOCK}-reader`;
const CRDS = join(__dirname, 'fixtures', 'external-secrets-2.9.0-crds.yaml');

const { configFile, cli } = suiteWorkspace('sandboxkit-shared-');
const kubectl = (args: readonly string[], input?: string) => exec('kubectl', args, { input });
const canI = (user: string, ...args: string[]) =>
  kubectl(['auth', 'can-i', ...args, `--as=${user}`]).stdout.trim() === 'yes';

function config(uses: boolean) {
  return {
    state: { backend: 'local', directory: 'state' },
    clusters: [
      {
        ...suiteCluster(CLUSTER, 'shared.test'),
        platform: { chartMirror: chartMirror() },
        sharedBlocks: [BLOCK],
      },
    ],
    catalog: [{ ...BUILTIN_CATALOG.find((e) => e.name === 'valkey')!, name: BLOCK }],
    instances: [
      { name: USER, cluster: CLUSTER, owner: OWNER, blocks: ['valkey'], ...(uses ? { uses: [BLOCK] } : {}) },
      { name: OUTSIDER, cluster: CLUSTER, owner: OWNER, blocks: ['valkey'] },
    ],
  };
}

/** CRDs this run created (those that did not exist yet), deleted again at the end. */
const createdCrds: string[] = [];

/** The API objects an instance stack writes for its namespace and its shared blocks, from the synthesized JSON. */
function instanceObjects(json: any, ns: string): object[] {
  // The instance's deployer (its Helm identity) lives in the platform's deployer namespace; it is not about sharing.
  const all = (type: string) =>
    (Object.values(resources(json, type)) as any[]).filter(
      (r) => r.metadata?.namespace !== 'sandbox-deployers' && r.metadata?.name !== 'sandbox-deployer',
    );
  const { 'sandbox.dev/instance': _, ...labels } = all('kubernetes_namespace_v1')[0].metadata.labels;
  const namespaceOf = (r: any) => (String(r.metadata.namespace).startsWith('${') ? ns : r.metadata.namespace);
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ...labels, [LABEL]: ns } } },
    ...all('kubernetes_service_account_v1').map((a) => ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: a.metadata.name, namespace: namespaceOf(a) },
      automountServiceAccountToken: a.automount_service_account_token,
    })),
    ...all('kubernetes_role_v1').map((r) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: r.metadata.name, namespace: namespaceOf(r) },
      rules: r.rule.map((x: any) => ({
        apiGroups: x.api_groups,
        resources: x.resources,
        verbs: x.verbs,
        ...(x.resource_names ? { resourceNames: x.resource_names } : {}),
      })),
    })),
    ...all('kubernetes_role_binding_v1').map((b) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: b.metadata.name, namespace: namespaceOf(b) },
      roleRef: { apiGroup: b.role_ref.api_group, kind: b.role_ref.kind, name: b.role_ref.name },
      subjects: b.subject.map((s: any) => ({
        kind: s.kind,
        name: s.name,
        ...(s.namespace ? { namespace: s.namespace } : {}),
        ...(s.api_group ? { apiGroup: s.api_group } : {}),
      })),
    })),
    ...all('kubernetes_network_policy_v1')
      .filter((p) => p.metadata.name === 'allow-egress-to-shared-blocks')
      .map((p) => ({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: p.metadata.name, namespace: ns },
        spec: {
          podSelector: {},
          policyTypes: p.spec.policy_types,
          egress: p.spec.egress.map((e: any) => ({
            to: e.to.map((t: any) => ({ namespaceSelector: { matchLabels: t.namespace_selector.match_labels } })),
          })),
        },
      })),
    ...all('kubernetes_manifest')
      .map((m) => m.manifest)
      .filter((m) => ['SecretStore', 'ExternalSecret'].includes(m.kind)),
  ];
}

beforeAll(() => {
  if (!process.env.KUBECONFIG)
    throw new Error('KUBECONFIG must name the cluster for this suite (run it with scripts/test-cluster.sh)');
  for (const doc of parseAllDocuments(readFileSync(CRDS, 'utf8')).map((d) => d.toJS())) {
    if (doc?.kind !== 'CustomResourceDefinition' || kubectl(['get', 'crd', doc.metadata.name]).code === 0) continue;
    must('kubectl', ['create', '-f', '-'], { input: JSON.stringify(doc) });
    createdCrds.push(doc.metadata.name);
  }
  for (const crd of createdCrds)
    must('kubectl', ['wait', '--for=condition=Established', `crd/${crd}`, '--timeout=60s']);
  writeFileSync(configFile, stringify(config(true)));
}, 300000);

afterAll(async () => {
  const namespaces = [USER, OUTSIDER, ELSEWHERE].filter((ns) => exists('namespace', ns));
  if (namespaces.length) kubectl(['delete', 'namespace', ...namespaces, '--wait=true', '--timeout=180s']);
  writeFileSync(configFile, stringify(config(false)));
  if (exists('namespace', SHARED_NS)) {
    const destroyed = cli('shared', 'destroy', '--cluster', CLUSTER);
    if (destroyed.code !== 0) kubectl(['delete', 'namespace', SHARED_NS, '--wait=true', '--timeout=180s']);
  }
  for (const crd of createdCrds) {
    // Another suite may have started using a CRD this run created; it stays then.
    if (kubectl(['get', crd, '-A', '-o', 'name']).stdout.trim() === '') kubectl(['delete', 'crd', crd, '--wait=true']);
  }
  await waitFor(
    'the run to leave nothing behind',
    180,
    () =>
      !kubectl(['get', 'namespaces', '-o', 'name'])
        .stdout.split('\n')
        .some((n) => n.includes(RUN.slice(-5))),
  );
}, 600000);

describe(`a shared block on a real API server`, () => {
  it('applies the shared stack with sandboxkit shared apply: the block in its namespace, its credentials and a Role for that one Secret', () => {
    const applied = cli('shared', 'apply', '--cluster', CLUSTER, '--json');
    expect({ code: applied.code, stderr: applied.code === 0 ? '' : applied.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(applied.stdout)).toMatchObject({
      stack: `shared-${CLUSTER}`,
      action: 'applied',
      namespaces: [SHARED_NS],
    });
    const release = JSON.parse(must('helm', ['list', '-n', SHARED_NS, '-o', 'json'])).find(
      (r: any) => r.name === BLOCK,
    );
    expect(release?.status).toBe('deployed');
    expect(Object.keys(kubectlJson('get', 'secret', `${BLOCK}-credentials`, '-n', SHARED_NS).data)).toEqual([
      'default-password',
    ]);
    expect(kubectlJson('get', 'role', 'credentials-reader', '-n', SHARED_NS).rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: [`${BLOCK}-credentials`], verbs: ['get'] },
    ]);
  });

  describe('an instance that uses it and one that does not', () => {
    beforeAll(() => {
      const stacks = buildStacks(parseConfig(stringify(config(true)), 'shared.yaml'));
      const objects = [
        ...instanceObjects(synthJson(stacks.instances.get(`instance-${USER}`)!), USER),
        ...instanceObjects(synthJson(stacks.instances.get(`instance-${OUTSIDER}`)!), OUTSIDER),
      ];
      const namespaces = objects.filter((o: any) => o.kind === 'Namespace');
      const created = kubectl(
        ['create', '--validate=strict', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'List', items: namespaces }),
      );
      if (created.code !== 0) throw new Error(created.stderr);
      must('kubectl', ['create', 'namespace', ELSEWHERE]);
      must('kubectl', [
        'create',
        'secret',
        'generic',
        'other-credentials',
        '-n',
        ELSEWHERE,
        '--from-literal=password=not-yours',
      ]);
      const rest = kubectl(
        ['create', '--validate=strict', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects.filter((o: any) => o.kind !== 'Namespace') }),
      );
      // Strict validation: the API server refuses any field the external-secrets schema does not have.
      if (rest.code !== 0) throw new Error(rest.stderr);
    });

    it('labels the user namespace, which alone the shared block admits, and lets it out to the shared namespace', () => {
      expect(kubectlJson('get', 'namespace', USER).metadata.labels[`sandbox.dev/uses-${BLOCK}`]).toBe('true');
      expect(kubectlJson('get', 'namespace', OUTSIDER).metadata.labels).not.toHaveProperty([
        `sandbox.dev/uses-${BLOCK}`,
      ]);
      const admit = kubectlJson('get', 'networkpolicy', 'allow-declared-users', '-n', SHARED_NS).spec.ingress[0].from[0]
        .namespaceSelector.matchLabels;
      const admitted = items(
        'namespaces',
        '-l',
        Object.entries(admit)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      ).map((n) => n.metadata.name);
      expect(admitted).toEqual([USER]);
      expect(kubectlJson('get', 'networkpolicy', 'allow-egress-to-shared-blocks', '-n', USER).spec.egress).toEqual([
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': SHARED_NS } } }] },
      ]);
      expect(exists('networkpolicy', 'allow-egress-to-shared-blocks', '-n', OUTSIDER)).toBe(false);
    });

    it('holds the binding, SecretStore and ExternalSecret the API server accepted for the user only', () => {
      const bindings = items('rolebindings', '-n', SHARED_NS).filter((b) =>
        b.subjects?.some((s: any) => [USER, OUTSIDER].includes(s.namespace)),
      );
      expect(bindings.map((b) => [b.metadata.name, b.roleRef.name, b.subjects])).toEqual([
        [
          `uses-${USER}`,
          'credentials-reader',
          [{ kind: 'ServiceAccount', name: `shared-${BLOCK}-reader`, namespace: USER }],
        ],
      ]);
      const store = kubectlJson('get', 'secretstore', `shared-${BLOCK}-reader`, '-n', USER);
      expect(store.spec.provider.kubernetes).toMatchObject({
        remoteNamespace: SHARED_NS,
        auth: { serviceAccount: { name: `shared-${BLOCK}-reader` } },
      });
      const copy = kubectlJson('get', 'externalsecret', `shared-${BLOCK}-credentials`, '-n', USER);
      expect(copy.spec.dataFrom).toEqual([{ extract: expect.objectContaining({ key: `${BLOCK}-credentials` }) }]);
      expect(items('externalsecrets', '-n', OUTSIDER)).toEqual([]);
      expect(items('secretstores', '-n', OUTSIDER)).toEqual([]);
    });

    it("lets the user's reader account get exactly the block's credentials Secret and nothing else", () => {
      expect(canI(READER, 'get', `secret/${BLOCK}-credentials`, '-n', SHARED_NS)).toBe(true);
      const helmSecret = items('secrets', '-n', SHARED_NS).find((s) => s.metadata.name !== `${BLOCK}-credentials`)!
        .metadata.name;
      expect({
        otherSecretThere: canI(READER, 'get', `secret/${helmSecret}`, '-n', SHARED_NS),
        listThere: canI(READER, 'list', 'secrets', '-n', SHARED_NS),
        watchThere: canI(READER, 'watch', 'secrets', '-n', SHARED_NS),
        updateIt: canI(READER, 'update', `secret/${BLOCK}-credentials`, '-n', SHARED_NS),
        elsewhere: canI(READER, 'get', 'secret/other-credentials', '-n', ELSEWHERE),
        ownNamespace: canI(READER, 'get', 'secrets', '-n', USER),
        pods: canI(READER, 'get', 'pods', '-n', SHARED_NS),
      }).toEqual({
        otherSecretThere: false,
        listThere: false,
        watchThere: false,
        updateIt: false,
        elsewhere: false,
        ownNamespace: false,
        pods: false,
      });
    });

    it('gives the instance owner nothing in the shared namespace, nor a way to act as the reader account', () => {
      expect(canI(OWNER, 'get', 'secrets', '-n', USER)).toBe(true);
      expect({
        sharedSecret: canI(OWNER, 'get', `secret/${BLOCK}-credentials`, '-n', SHARED_NS),
        listShared: canI(OWNER, 'list', 'secrets', '-n', SHARED_NS),
        elsewhere: canI(OWNER, 'get', 'secret/other-credentials', '-n', ELSEWHERE),
        token: canI(OWNER, 'create', 'serviceaccounts', '--subresource=token', '-n', USER),
        impersonate: canI(OWNER, 'impersonate', 'serviceaccounts', '-n', USER),
        bind: canI(OWNER, 'create', 'rolebindings', '-n', SHARED_NS),
        storeOfItsOwn: canI(OWNER, 'create', 'secretstores.external-secrets.io', '-n', USER),
        editStore: canI(OWNER, 'update', `secretstores.external-secrets.io/shared-${BLOCK}-reader`, '-n', USER),
      }).toEqual({
        sharedSecret: false,
        listShared: false,
        elsewhere: false,
        token: false,
        impersonate: false,
        bind: false,
        storeOfItsOwn: false,
        editStore: false,
      });
    });
  });

  it('refuses sandboxkit shared destroy while an instance of the config uses the block', () => {
    const refused = cli('shared', 'destroy', '--cluster', CLUSTER);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`shared-${CLUSTER} is in use by instance "${USER}"`));
    expect(exists('namespace', SHARED_NS)).toBe(true);
  });
});
