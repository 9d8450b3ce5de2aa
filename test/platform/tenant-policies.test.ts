import { readFileSync } from 'fs';
import { join } from 'path';
import { Testing, TerraformStack } from 'cdktf';
import { parse, parseAllDocuments } from 'yaml';
import { TENANT_POLICIES_CHART_VERSION, TenantPolicies } from '../../constructs/platform/tenant-policies';
import { CHARTS_DIR, KUBE_VERSION } from '../charts/render';
import { buildStacks, resources, synthJson, tempFile, type TerraformJson } from '../fixtures';
import { requireTool, run } from '../tools';
import { loadConfig } from '../../config/load';

const stacks = buildStacks();
const release = (j: TerraformJson) =>
  Object.values(resources(j, 'helm_release')).find((r: any) => r.name === 'tenant-policies') as any;
const aws = synthJson(stacks.platforms.get('platform-aws-main')!);

/** The tenant-policies chart rendered with the values the platform computes for a cluster. */
function rendered(values: Record<string, unknown>): any[] {
  const file = tempFile('values.json', JSON.stringify(values));
  const text = run(requireTool('helm'), [
    'template',
    'tenant-policies',
    join(CHARTS_DIR, 'tenant-policies'),
    '--kube-version',
    KUBE_VERSION,
    '-f',
    file,
  ]);
  return parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter((o) => o && o.kind?.startsWith('ValidatingAdmissionPolicy'));
}

describe('tenant policies', () => {
  it('are installed on every cluster with the cluster ingress domain, after the platform namespace', () => {
    for (const [cluster, domain] of [
      ['aws-main', 'aws.sandbox.example.org'],
      ['azure-main', 'azure.sandbox.example.org'],
      ['gcp-main', 'gcp.sandbox.example.org'],
      ['laptop', 'sandbox.localhost'],
    ]) {
      const r = release(synthJson(stacks.platforms.get(`platform-${cluster}`)!));
      expect({ cluster, namespace: r.namespace, values: JSON.parse(r.values[0]) }).toEqual({
        cluster,
        namespace: 'sandbox-platform',
        values: { ingressDomain: domain },
      });
    }
    expect(release(aws).depends_on).toEqual([
      expect.stringMatching(/^kubernetes_namespace_v1\.Platform_Reaper_Namespace/),
    ]);
  });

  it('install the chart version the construct pins', () => {
    expect(release(aws).version).toBe(TENANT_POLICIES_CHART_VERSION);
    expect(parse(readFileSync(join(CHARTS_DIR, 'tenant-policies', 'Chart.yaml'), 'utf8')).version).toBe(
      TENANT_POLICIES_CHART_VERSION,
    );
  });

  it('bind every policy to instance namespaces only, denying what fails', () => {
    const objects = rendered(JSON.parse(release(aws).values[0]));
    const policies = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
    const bindings = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(
      [
        'certificate-requests',
        'certificates',
        'endpoints',
        'finalizers',
        'ingresses',
        'listeners',
        'pods',
        'release-records-configmap',
        'release-records-secret',
        'root-ca',
        'routes',
        'service-account-tokens',
        'services',
        'volume-claims',
      ].map((s) => `tenant-policies-${s}`),
    );
    expect(bindings.map((b) => b.spec.policyName).sort()).toEqual(policies.map((p) => p.metadata.name).sort());
    for (const b of bindings) {
      expect(b.spec.validationActions).toEqual(['Deny']);
      expect(b.spec.matchResources.namespaceSelector).toEqual({
        matchExpressions: [{ key: 'sandbox.dev/instance', operator: 'Exists' }],
      });
    }
    for (const p of policies) expect(p.spec.failurePolicy).toBe('Fail');
  });

  it('give instances a deployer role that writes release records and nothing cluster-wide or guarding', () => {
    const objects = parseAllDocuments(
      run(requireTool('helm'), [
        'template',
        'tenant-policies',
        join(CHARTS_DIR, 'tenant-policies'),
        '--kube-version',
        KUBE_VERSION,
      ]),
    ).map((d) => d.toJS());
    const roles = objects.filter((o) => o?.kind === 'ClusterRole');
    const deployer = roles.find((r) => r.metadata.name === 'sandbox-instance-deployer');
    expect(deployer.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { 'sandbox.dev/aggregate-to-instance-deployer': 'true' } }],
    });
    const base = roles.find((r) => r.metadata.labels['sandbox.dev/aggregate-to-instance-deployer'] === 'true');
    const granted = base.rules.flatMap((r: any) =>
      r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${r.apiGroups[0] || 'core'}/${res}:${v}`)),
    );
    expect(granted).toContain('sandbox.dev/helmreleases:write');
    expect(granted).toContain('core/secrets:create');
    for (const forbidden of [
      'core/namespaces',
      'core/resourcequotas',
      'core/limitranges',
      'networking.k8s.io/networkpolicies',
      'rbac.authorization.k8s.io/clusterroles',
      'rbac.authorization.k8s.io/clusterrolebindings',
    ]) {
      expect(granted.filter((g: string) => g.startsWith(`${forbidden}:`))).toEqual([]);
    }
    expect(granted.filter((g: string) => /:(escalate|bind|impersonate|\*)$/.test(g))).toEqual([]);
    // Cluster-wide, the deployers may only read CRDs, which charts look up before rendering.
    const lookups = objects.find((o) => o?.kind === 'ClusterRoleBinding');
    expect(lookups.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:serviceaccounts:sandbox-deployers' },
    ]);
    expect(roles.find((r) => r.metadata.name === lookups.roleRef.name).rules).toEqual([
      {
        apiGroups: ['apiextensions.k8s.io'],
        resources: ['customresourcedefinitions'],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
  });

  it('bound hostnames by the instance label and the cluster domain', () => {
    const routes = rendered({ ingressDomain: 'aws.sandbox.example.org' }).find(
      (o) => o.metadata.name === 'tenant-policies-routes',
    );
    expect(routes.spec.variables).toEqual([
      {
        name: 'suffix',
        expression: `'.' + namespaceObject.metadata.labels["sandbox.dev/instance"] + '.aws.sandbox.example.org'`,
      },
    ]);
  });

  it('admit a member LoadBalancer only on clusters that allow TCP exposure', () => {
    const granted = (values: Record<string, unknown>) =>
      rendered(values).find((o) => o.metadata.name === 'tenant-policies-services').spec.variables;
    expect(granted({ ingressDomain: 'aws.sandbox.example.org' })[1]).toEqual({ name: 'granted', expression: 'false' });
    expect(granted({ ingressDomain: 'aws.sandbox.example.org', poolGrant: { enabled: true } })[1].expression).toMatch(
      /^variables\.poolIndex >= 0 && .* variables\.poolIndex < \('sandbox\.dev\/expose-tcp-nodes' in /,
    );
    const dss = buildStacks(loadConfig(join(__dirname, '..', '..', 'examples', 'dss.yaml')));
    expect(JSON.parse(release(synthJson(dss.platforms.get('platform-dss-gcp')!)).values[0]).poolGrant).toEqual({
      enabled: true,
    });
  });

  it('refuses a domain that is not one, naming it', () => {
    const stack = new TerraformStack(Testing.app(), 't');
    expect(() => new TenantPolicies(stack, 'P', { domain: 'Not A Domain' })).toThrow(
      /TenantPolicies "P": domain must be a lower-case DNS domain, got "Not A Domain"/,
    );
  });
});
