import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface OpenNamespace {
  readonly name: string;
  /** What creates the namespace. @default - it exists already (kube-system) */
  readonly createdBy?: ITerraformDependable;
}

export interface OpenNamespacesProps {
  /** Namespaces whose pods may talk to anything and be reached from anywhere, as without any NetworkPolicy. */
  readonly namespaces: readonly OpenNamespace[];
}

/** The NetworkPolicy every open namespace gets. */
export const ALLOW_ALL_POLICY = 'sandbox-allow-all';

/**
 * An allow-all NetworkPolicy in each namespace: where the NetworkPolicy agent denies pods that no policy selects (the
 * VPC CNI in strict mode), the system and platform namespaces keep the open network they have elsewhere, while
 * instance namespaces keep their own deny-by-default policies.
 */
export class OpenNamespaces extends Construct {
  constructor(scope: Construct, id: string, props: OpenNamespacesProps) {
    super(scope, id);
    for (const namespace of props.namespaces) {
      new NetworkPolicyV1(this, namespace.name, {
        metadata: { name: ALLOW_ALL_POLICY, namespace: namespace.name },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] },
        dependsOn: namespace.createdBy ? [namespace.createdBy] : undefined,
      });
    }
  }
}
