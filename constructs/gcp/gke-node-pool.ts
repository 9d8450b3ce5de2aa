import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { Construct } from 'constructs';
import type { NodeTaint } from '../cluster';
import { assertPoolSize } from '../pool-size';

/** What `GkeCluster.addNodePool` accepts. */
export interface GkeNodePoolOptions {
  /** @default 'e2-standard-4' */
  readonly machineType?: string;
  /** Per zone. @default 1 */
  readonly minCount?: number;
  /** Per zone. @default 3 */
  readonly maxCount?: number;
  /** @default 50 */
  readonly diskSizeGiB?: number;
  /** @default false */
  readonly spot?: boolean;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly taints?: readonly NodeTaint[];
}

export interface GkeNodePoolProps extends GkeNodePoolOptions {
  readonly clusterId: string;
  readonly serviceAccountEmail: string;
  readonly bootDiskKmsKey: string;
}

const GKE_TAINT_EFFECT = {
  NoSchedule: 'NO_SCHEDULE',
  PreferNoSchedule: 'PREFER_NO_SCHEDULE',
  NoExecute: 'NO_EXECUTE',
} as const;

/**
 * Shielded COS nodes (secure boot, integrity monitoring) that expose only the
 * GKE metadata server to pods, repair and upgrade themselves, and encrypt
 * boot disks with a customer key.
 */
export class GkeNodePool extends Construct {
  readonly pool: ContainerNodePool;

  constructor(scope: Construct, id: string, props: GkeNodePoolProps) {
    super(scope, id);
    const minCount = props.minCount ?? 1;
    const maxCount = props.maxCount ?? 3;
    const where = `GkeNodePool "${id}"`;
    if (!/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/.test(id)) {
      throw new Error(
        `${where}: name must be 1-40 lower-case letters, digits and "-", starting with a letter, got "${id}"`,
      );
    }
    assertPoolSize(where, { min: minCount, max: maxCount, minName: 'minCount', maxName: 'maxCount' });

    this.pool = new ContainerNodePool(this, 'Pool', {
      name: id,
      cluster: props.clusterId,
      autoscaling: { minNodeCount: minCount, maxNodeCount: maxCount, locationPolicy: 'BALANCED' },
      management: { autoRepair: true, autoUpgrade: true },
      upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
      nodeConfig: {
        machineType: props.machineType ?? 'e2-standard-4',
        imageType: 'COS_CONTAINERD',
        diskSizeGb: props.diskSizeGiB ?? 50,
        diskType: 'pd-balanced',
        bootDiskKmsKey: props.bootDiskKmsKey,
        spot: props.spot ?? false,
        serviceAccount: props.serviceAccountEmail,
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        metadata: { 'disable-legacy-endpoints': 'true' },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        labels: { 'sandbox.dev/pool': id, ...props.labels },
        taint: (props.taints ?? []).map((t) => ({
          key: t.key,
          value: t.value ?? '',
          effect: GKE_TAINT_EFFECT[t.effect],
        })),
      },
      lifecycle: { ignoreChanges: ['initial_node_count'] },
    });
  }
}
