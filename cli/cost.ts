import type { ClusterConfig, InstanceConfig } from '../config/types';
import { SIZE_PROFILES } from '../constructs/instance/size-profile';
import { bytes, cpuMillis } from '../constructs/instance/quantity';

/** On-demand list prices in USD that the estimate uses, per cloud. */
export interface PriceTable {
  /** One vCPU for an hour. */
  readonly vcpuHour: number;
  /** One GiB of memory for an hour. */
  readonly memoryGiBHour: number;
  /** One GiB of block storage for a month (30 days). */
  readonly storageGiBMonth: number;
  /** The instance's own bucket, queue and table (`cloudResources`), each a day at sandbox use. */
  readonly cloudResourceDay: Readonly<Record<CloudResourceKind, number>>;
}

export type CloudResourceKind = 'objectStorage' | 'queue' | 'table';
const KINDS: readonly CloudResourceKind[] = ['objectStorage', 'queue', 'table'];
const KIND_NAMES: Readonly<Record<CloudResourceKind, string>> = {
  objectStorage: 'bucket',
  queue: 'queue',
  table: 'table',
};

/**
 * A small, documented price table (USD, on demand, 2025 list prices of a region in Europe): per-pod compute as
 * Fargate, AKS on D-series and GKE Autopilot price it, and general-purpose SSD (gp3, Standard SSD, pd-balanced).
 * It is an estimate for comparing instances, not a bill: discounts, spot nodes, shared node headroom, traffic and
 * requests are not in it. An existing cluster's hardware is already paid for, so it has no price here.
 *
 * A cloud resource is priced at sandbox use: 1 GiB stored and 10,000 requests a day, half writes. Bucket: S3
 * Standard, Blob hot LRS, Cloud Storage Standard, with their write/read request prices. Queue: SQS, Storage queue,
 * Pub/Sub, plus the data key's KMS requests. Table: DynamoDB on demand, Storage table, Firestore in Datastore mode,
 * each with point-in-time recovery where the instance has it (AWS, Google). An Azure storage account has no price of
 * its own, so its three parts are priced alone.
 */
export const PRICES: Readonly<Record<'aws' | 'azure' | 'gcp', PriceTable>> = {
  aws: {
    vcpuHour: 0.04456,
    memoryGiBHour: 0.00489,
    storageGiBMonth: 0.088,
    cloudResourceDay: { objectStorage: 0.03, queue: 0.01, table: 0.02 },
  },
  azure: {
    vcpuHour: 0.048,
    memoryGiBHour: 0.0053,
    storageGiBMonth: 0.09,
    cloudResourceDay: { objectStorage: 0.04, queue: 0.01, table: 0.01 },
  },
  gcp: {
    vcpuHour: 0.0489,
    memoryGiBHour: 0.0054,
    storageGiBMonth: 0.11,
    cloudResourceDay: { objectStorage: 0.03, queue: 0.01, table: 0.02 },
  },
};

export interface DailyCost {
  /** USD a day, rounded to cents; null on an existing cluster. */
  readonly usd: number | null;
  /** What the figure is made of. */
  readonly basis: string;
}

/**
 * What an instance costs a day at most: its quota (size profile with the instance's overrides) held all day,
 * as requests are what the scheduler reserves, plus its own cloud resources.
 */
export function dailyCost(cluster: ClusterConfig, instance: InstanceConfig): DailyCost {
  const quota = { ...SIZE_PROFILES[instance.size ?? 'small'], ...instance.quota };
  const basis = `${quota.cpu} vCPU, ${quota.memory} memory, ${quota.storage} storage (${instance.size ?? 'small'})`;
  if (cluster.cloud === 'existing') return { usd: null, basis: `${basis}; an existing cluster has no price table` };
  const p = PRICES[cluster.cloud];
  const vcpu = cpuMillis(quota.cpu, 'cpu') / 1000;
  const memoryGiB = bytes(quota.memory, 'memory') / 2 ** 30;
  const storageGiB = bytes(quota.storage, 'storage') / 2 ** 30;
  const r = instance.cloudResources;
  const resources = r && (r.source ?? 'cloud') === 'cloud' ? KINDS.filter((k) => r[k]) : [];
  const resourcesUsd = resources.reduce((sum, k) => sum + p.cloudResourceDay[k], 0);
  const usd =
    24 * (vcpu * p.vcpuHour + memoryGiB * p.memoryGiBHour) + (storageGiB * p.storageGiBMonth) / 30 + resourcesUsd;
  return {
    usd: Math.round(usd * 100) / 100,
    basis: resources.length ? `${basis}; own ${resources.map((k) => KIND_NAMES[k]).join(', ')}` : basis,
  };
}
