import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { Construct } from 'constructs';
import type { CatalogEntry } from '../catalog/types';
import { fillPlaceholders } from './values';

/** Ports Kubernetes API servers listen on: 443 (EKS, AKS, GKE) and 6443 (kubeadm, k3s, kind). */
export const KUBERNETES_API_PORTS = [443, 6443];

export interface BlockApiAccessProps {
  readonly namespace: string;
  /** Blocks whose catalog entries name pods that talk to the Kubernetes API (`needs.kubernetesApi`). */
  readonly blocks: readonly { readonly name: string; readonly entry: CatalogEntry }[];
}

/**
 * Egress to the Kubernetes API for the pods each block names (an operator's helpers that watch their resources,
 * such as Strimzi's topic and user operators). The API server's address differs per cloud and policies see it after
 * the `kubernetes` Service is translated, so the grant is bounded by pod and port, not by address.
 */
export class BlockApiAccess extends Construct {
  readonly policies: NetworkPolicyV1[] = [];

  constructor(scope: Construct, id: string, props: BlockApiAccessProps) {
    super(scope, id);
    for (const block of props.blocks) {
      const labels = block.entry.needs?.kubernetesApi;
      if (!labels) continue;
      this.policies.push(
        new NetworkPolicyV1(this, block.name, {
          metadata: { name: `allow-api-server-${block.name}`, namespace: props.namespace },
          spec: {
            podSelector: { matchLabels: fillPlaceholders({ ...labels }, { block: block.name }) },
            policyTypes: ['Egress'],
            egress: [{ ports: KUBERNETES_API_PORTS.map((port) => ({ port: String(port), protocol: 'TCP' })) }],
          },
        }),
      );
    }
  }
}
