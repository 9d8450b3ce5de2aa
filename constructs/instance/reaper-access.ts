import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { Construct } from 'constructs';
import { REAPER_IDENTITY } from '../platform/instance-reaper';

export interface ReaperAccessProps {
  /** The instance namespace, as a reference, so that the binding waits for it. */
  readonly namespace: string;
}

/**
 * Lets the platform's reaper delete this namespace when it expires and scale its workloads outside working hours.
 * The reaper holds no such right anywhere else: RBAC cannot select namespaces by label, so each instance grants it.
 */
export class ReaperAccess extends Construct {
  readonly binding: RoleBindingV1;

  constructor(scope: Construct, id: string, props: ReaperAccessProps) {
    super(scope, id);
    this.binding = new RoleBindingV1(this, 'Binding', {
      metadata: { name: 'sandbox-reaper', namespace: props.namespace },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: REAPER_IDENTITY.instanceClusterRole,
      },
      subject: [{ kind: 'ServiceAccount', name: REAPER_IDENTITY.serviceAccount, namespace: REAPER_IDENTITY.namespace }],
    });
  }
}
