import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { Construct } from 'constructs';
import { ownerIdentityProblem } from './tenant-names';

export interface OwnerAccessProps {
  readonly namespace: string;
  /** Kubernetes user name of the owner, as the cluster's authenticator reports it. */
  readonly user: string;
  /** @default - no group */
  readonly group?: string;
}

const WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const READ = ['get', 'list', 'watch'];

/**
 * Edit rights in the instance namespace only. Owners work with workloads, read
 * Secrets and route their blocks' hostnames, but cannot change the guardrails
 * (NetworkPolicies, quotas, limit ranges, roles, role bindings), cannot write
 * Endpoints or EndpointSlices (which would point a Service anywhere), and cannot
 * touch the Gateway side: ListenerSets, Gateways, ReferenceGrants. What RBAC cannot
 * express (Service types, hostnames) the platform's admission policies deny.
 */
export const OWNER_RULES = [
  {
    apiGroups: [''],
    resources: ['pods', 'services', 'configmaps', 'persistentvolumeclaims', 'serviceaccounts'],
    verbs: WRITE,
  },
  { apiGroups: [''], resources: ['pods/log', 'pods/exec', 'pods/portforward', 'secrets'], verbs: [...READ, 'create'] },
  // Events are the controllers' record of what happened: an owner who wrote them could forge it, and fill etcd.
  { apiGroups: [''], resources: ['events'], verbs: READ },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'statefulsets', 'replicasets', 'deployments/scale', 'statefulsets/scale'],
    verbs: WRITE,
  },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: WRITE },
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: WRITE },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: READ },
  { apiGroups: [''], resources: ['resourcequotas', 'limitranges'], verbs: READ },
] as const;

export class OwnerAccess extends Construct {
  readonly role: RoleV1;

  constructor(scope: Construct, id: string, props: OwnerAccessProps) {
    super(scope, id);
    for (const [field, name] of [
      ['user', props.user],
      ['group', props.group],
    ] as const) {
      const problem = name === undefined ? undefined : ownerIdentityProblem(name);
      if (problem) throw new Error(`OwnerAccess "${id}": ${field} ${problem}`);
    }
    this.role = new RoleV1(this, 'Role', {
      metadata: { name: 'sandbox-owner', namespace: props.namespace },
      rule: OWNER_RULES.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
    });
    const subjects = [{ kind: 'User', name: props.user, apiGroup: 'rbac.authorization.k8s.io' }];
    if (props.group) subjects.push({ kind: 'Group', name: props.group, apiGroup: 'rbac.authorization.k8s.io' });
    new RoleBindingV1(this, 'Binding', {
      metadata: { name: 'sandbox-owner', namespace: props.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'sandbox-owner' },
      subject: subjects,
      dependsOn: [this.role],
    });
  }
}
