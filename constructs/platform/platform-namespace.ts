import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Construct } from 'constructs';
import type { PodSecurityLevel } from '../catalog/types';

/** Label of platform namespaces; the cluster-wide secret store serves these only. */
export const PLATFORM_NAMESPACE_LABEL = 'sandbox.dev/platform';

export interface PlatformNamespaceProps {
  readonly name: string;
  /** @default 'restricted' */
  readonly podSecurity?: PodSecurityLevel;
}

/** A namespace for a cluster-wide service, labelled as platform and with Pod Security enforced. */
export class PlatformNamespace extends Construct {
  readonly namespace: NamespaceV1;
  readonly name: string;
  /** The name as given, known at synthesis (`name` refers to the created namespace). */
  readonly declaredName: string;

  constructor(scope: Construct, id: string, props: PlatformNamespaceProps) {
    super(scope, id);
    this.namespace = new NamespaceV1(this, 'Namespace', {
      metadata: {
        name: props.name,
        labels: {
          [PLATFORM_NAMESPACE_LABEL]: 'true',
          'app.kubernetes.io/managed-by': 'sandboxkit',
          'pod-security.kubernetes.io/enforce': props.podSecurity ?? 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
    this.name = this.namespace.metadata.name;
    this.declaredName = props.name;
  }
}
