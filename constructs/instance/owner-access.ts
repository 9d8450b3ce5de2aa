import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { Construct } from 'constructs';

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
 * Edit rights in the instance namespace only. Owners work with workloads and
 * read Secrets, but cannot change the guardrails: no NetworkPolicies, quotas,
 * limit ranges, roles or role bindings.
 */
export const OWNER_RULES = [
  { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'persistentvolumeclaims', 'serviceaccounts'], verbs: WRITE },
  { apiGroups: [''], resources: ['pods/log', 'pods/exec', 'pods/portforward', 'events', 'endpoints', 'secrets'], verbs: [...READ, 'create'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets', 'deployments/scale', 'statefulsets/scale'], verbs: WRITE },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: WRITE },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: READ },
  { apiGroups: [''], resources: ['resourcequotas', 'limitranges'], verbs: READ },
] as const;

export class OwnerAccess extends Construct {
  readonly role: RoleV1;

  constructor(scope: Construct, id: string, props: OwnerAccessProps) {
    super(scope, id);
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
