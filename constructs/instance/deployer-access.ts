import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS } from '../cluster';

export interface DeployerAccessProps {
  /** The instance namespace, as a reference, so that the binding waits for it. */
  readonly namespace: string;
  /** The instance namespace's name as a literal, for the service account's name. */
  readonly namespaceName: string;
}

/** The identity an instance's Helm releases are installed, upgraded, tested and removed with. */
export interface DeployerIdentity {
  /** Namespace of the service account (the platform's deployer namespace). */
  readonly namespace: string;
  readonly serviceAccountName: string;
  /**
   * What a token for the account needs before it can act: the account first, then its binding. A token request that
   * reads the account's UID (unknown until it exists) waits for it on a first apply instead of failing in the plan.
   */
  readonly ready: readonly [TerraformResource, ...TerraformResource[]];
}

/**
 * The instance's deployer: a service account of its own in the platform's deployer namespace, bound in the instance
 * namespace only to the deployer ClusterRole. Helm runs as it, so that whatever a release record says (its manifest,
 * its hooks) can reach this namespace and nothing else: no cluster object, no other instance, not the guardrails,
 * which Terraform keeps with the cluster admin's rights. The account lives outside the instance namespace so that no
 * pod of the owner can run as it.
 */
export class DeployerAccess extends Construct {
  readonly identity: DeployerIdentity;

  constructor(scope: Construct, id: string, props: DeployerAccessProps) {
    super(scope, id);
    const account = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: {
        name: deployerServiceAccountName(props.namespaceName),
        namespace: PLATFORM_DEFAULTS.deployerNamespace,
        labels: { 'sandbox.dev/instance-namespace': props.namespaceName, 'app.kubernetes.io/managed-by': 'sandboxkit' },
      },
      automountServiceAccountToken: false,
    });
    const binding = new RoleBindingV1(this, 'Binding', {
      metadata: { name: 'sandbox-deployer', namespace: props.namespace },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: PLATFORM_DEFAULTS.deployerClusterRole,
      },
      subject: [
        { kind: 'ServiceAccount', name: account.metadata.name, namespace: PLATFORM_DEFAULTS.deployerNamespace },
      ],
    });
    this.identity = {
      namespace: PLATFORM_DEFAULTS.deployerNamespace,
      serviceAccountName: account.metadata.name,
      ready: [account, binding],
    };
  }
}

/** The deployer service account of the instance in `namespace`; namespaces are unique per cluster. */
export function deployerServiceAccountName(namespace: string): string {
  return `deployer-${namespace}`;
}

/** The Kubernetes user name of that account, as `--as` and Helm's `--kube-as-user` take it. */
export function deployerUser(namespace: string): string {
  return `system:serviceaccount:${PLATFORM_DEFAULTS.deployerNamespace}:${deployerServiceAccountName(namespace)}`;
}
