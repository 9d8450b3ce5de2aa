import { Testing, TerraformStack } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { OWNER_RULES, OwnerAccess } from '../../constructs/instance/owner-access';
import { REAPER_IDENTITY } from '../../constructs/platform/instance-reaper';
import { buildStacks, resources, synthJson } from '../fixtures';

const payments = synthJson(buildStacks().instances.get('instance-payments-demo')!);
const only = (type: string) => Object.values(resources(payments, type)) as any[];

describe('instance guardrails', () => {
  it('bound ephemeral storage and object counts besides compute, in proportion to the size', () => {
    const hard = only('kubernetes_resource_quota_v1')[0].spec.hard;
    expect(hard).toMatchObject({
      'requests.ephemeral-storage': '40Gi',
      'limits.ephemeral-storage': '81920Mi',
      pods: '80',
      configmaps: '160',
      secrets: '320',
      services: '80',
      persistentvolumeclaims: '20',
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
  });

  it('give every container ephemeral-storage requests and limits, which the quota requires', () => {
    expect(only('kubernetes_limit_range_v1')[0].spec.limit[0]).toMatchObject({
      default_request: { 'ephemeral-storage': '64Mi' },
      default: { 'ephemeral-storage': '1Gi' },
      max: { 'ephemeral-storage': '8Gi' },
    });
  });

  it("grant the platform's reaper its instance role in this namespace only", () => {
    const reaper = only('kubernetes_role_binding_v1').find((b) => b.metadata.name === 'sandbox-reaper');
    expect(reaper).toMatchObject({
      metadata: { namespace: expect.stringMatching(/kubernetes_namespace_v1\.Instance_Namespace/) },
      role_ref: {
        api_group: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: REAPER_IDENTITY.instanceClusterRole,
      },
      subject: [{ kind: 'ServiceAccount', name: REAPER_IDENTITY.serviceAccount, namespace: REAPER_IDENTITY.namespace }],
    });
  });
});

describe('owner access', () => {
  const granted = (group: string) =>
    OWNER_RULES.filter((r) => (r.apiGroups as readonly string[]).includes(group)).flatMap((r) => [...r.resources]);

  it('routes through HTTPRoutes and never writes Endpoints, EndpointSlices or the Gateway side', () => {
    expect(granted('gateway.networking.k8s.io')).toEqual(['httproutes']);
    expect(granted('')).not.toContain('endpoints');
    expect(granted('discovery.k8s.io')).toEqual([]);
    expect(granted('networking.k8s.io')).toEqual(['networkpolicies']);
    expect(OWNER_RULES.find((r) => r.resources.includes('networkpolicies' as never))!.verbs).toEqual([
      'get',
      'list',
      'watch',
    ]);
  });

  it.each([
    ['a system user', { user: 'system:masters' }, /OwnerAccess "Owner": user must not be a Kubernetes system identity/],
    [
      'a system group',
      { user: 'dev', group: 'system:authenticated' },
      /OwnerAccess "Owner": group must not be a Kubernetes system identity/,
    ],
    [
      'a user with a line break',
      { user: 'dev\nroot' },
      /OwnerAccess "Owner": user must not contain control characters/,
    ],
  ])('refuses %s as owner', (_what, who, message) => {
    const stack = new TerraformStack(Testing.app(), 't');
    new KubernetesProvider(stack, 'kubernetes', {});
    expect(() => new OwnerAccess(stack, 'Owner', { namespace: 'ns', ...who })).toThrow(message);
  });
});
