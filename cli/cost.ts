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
  /** Each of the instance's own bucket, queue and table, a day, at sandbox traffic. */
  readonly cloudResourceDay: number;
}

/**
 * A small, documented price table (USD, on demand, 2025 list prices of a region in Europe): per-pod compute as
 * Fargate, AKS on D-series and GKE Autopilot price it, and general-purpose SSD (gp3, Standard SSD, pd-balanced).
 * It is an estimate for comparing instances, not a bill: discounts, spot nodes, shared node headroom, traffic and
 * requests are not in it. An existing cluster's hardware is already paid for, so it has no price here.
 */
export const PRICES: Readonly<Record<'aws' | 'azure' | 'gcp', PriceTable>> = {
  aws: { vcpuHour: 0.04456, memoryGiBHour: 0.00489, storageGiBMonth: 0.088, cloudResourceDay: 0.05 },
  azure: { vcpuHour: 0.048, memoryGiBHour: 0.0053, storageGiBMonth: 0.09, cloudResourceDay: 0.05 },
  gcp: { vcpuHour: 0.0489, memoryGiBHour: 0.0054, storageGiBMonth: 0.11, cloudResourceDay: 0.05 },
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
  const resources = r && (r.source ?? 'cloud') === 'cloud' ? [r.objectStorage, r.queue, r.table].filter(Boolean).length : 0;
  const usd = 24 * (vcpu * p.vcpuHour + memoryGiB * p.memoryGiBHour) + (storageGiB * p.storageGiBMonth) / 30 + resources * p.cloudResourceDay;
  return { usd: Math.round(usd * 100) / 100, basis: resources ? `${basis}, ${resources} cloud resources` : basis };
}
