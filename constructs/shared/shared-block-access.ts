import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { Construct } from 'constructs';
import { sharedNamespace } from './shared-names';

export interface SharedBlockAccessProps {
  /** The instance's namespace. */
  readonly namespace: string;
  /** Shared blocks of the cluster the instance uses. */
  readonly blocks: readonly string[];
}

/**
 * The instance's way out to the shared blocks it declares: one egress policy to
 * their namespaces. The way in is the namespace label the shared block admits.
 */
export class SharedBlockAccess extends Construct {
  readonly policy: NetworkPolicyV1;

  constructor(scope: Construct, id: string, props: SharedBlockAccessProps) {
    super(scope, id);
    this.policy = new NetworkPolicyV1(this, 'Egress', {
      metadata: { name: 'allow-egress-to-shared-blocks', namespace: props.namespace },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: props.blocks.map((b) => ({
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': sharedNamespace(b) } },
            })),
          },
        ],
      },
    });
  }
}
