import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { Construct } from 'constructs';
import type { NodeTaint } from '../cluster';
import { assertPoolSize } from '../pool-size';

/** What `AksCluster.addNodePool` accepts. */
export interface AksNodePoolOptions {
  /** @default 'Standard_D4s_v5' */
  readonly vmSize?: string;
  /** @default 1 */
  readonly minCount?: number;
  /** @default 3 */
  readonly maxCount?: number;
  /** @default ['1', '2', '3'] */
  readonly zones?: readonly ('1' | '2' | '3')[];
  /** @default 128 */
  readonly osDiskSizeGiB?: number;
  /** OS disk on the VM's local cache: faster and nothing persisted; the VM size must have room for it. @default false */
  readonly ephemeralOsDisk?: boolean;
  /** Encrypt temp disks and caches on the host. @default true */
  readonly hostEncryption?: boolean;
  /** @default false */
  readonly spot?: boolean;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly taints?: readonly NodeTaint[];
}

export interface AksNodePoolProps extends AksNodePoolOptions {
  readonly clusterId: string;
  readonly subnetId: string;
  readonly orchestratorVersion: string;
}

/** AKS node pool names: lower-case letters and digits, at most 12 characters, starting with a letter. */
export const AKS_POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;

/** Checks the sizes shared by system and user pools; `where` names the pool in messages. */
export function validateAksPool(where: string, name: string, minCount: number, maxCount: number): void {
  if (!AKS_POOL_NAME.test(name))
    throw new Error(`${where}: name must be 1-12 lower-case letters and digits, starting with a letter, got "${name}"`);
  assertPoolSize(where, { min: minCount, max: maxCount, minName: 'minCount', maxName: 'maxCount' });
}

/** A user node pool with autoscaling, zones and host encryption. */
export class AksNodePool extends Construct {
  readonly pool: KubernetesClusterNodePool;

  constructor(scope: Construct, id: string, props: AksNodePoolProps) {
    super(scope, id);
    const minCount = props.minCount ?? 1;
    const maxCount = props.maxCount ?? 3;
    validateAksPool(`AksNodePool "${id}"`, id, minCount, maxCount);
    this.pool = new KubernetesClusterNodePool(this, 'Pool', {
      name: id,
      kubernetesClusterId: props.clusterId,
      mode: 'User',
      vmSize: props.vmSize ?? 'Standard_D4s_v5',
      orchestratorVersion: props.orchestratorVersion,
      autoScalingEnabled: true,
      minCount,
      maxCount,
      zones: [...(props.zones ?? ['1', '2', '3'])],
      osDiskSizeGb: props.osDiskSizeGiB ?? 128,
      osDiskType: props.ephemeralOsDisk ? 'Ephemeral' : 'Managed',
      hostEncryptionEnabled: props.hostEncryption ?? true,
      maxPods: 110,
      vnetSubnetId: props.subnetId,
      priority: props.spot ? 'Spot' : 'Regular',
      evictionPolicy: props.spot ? 'Delete' : undefined,
      nodeLabels: { 'sandbox.dev/pool': id, ...props.labels },
      nodeTaints: (props.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
      upgradeSettings: { maxSurge: '33%' },
      lifecycle: { ignoreChanges: ['node_count'] },
    });
  }
}
