import { poolMembership } from '../config/instance-groups';
import type { ClusterConfig, InstanceConfig, SandboxConfig } from '../config/types';
import { BUILTIN_CATALOG } from '../constructs/catalog/builtin';
import { mergeCatalog } from '../constructs/catalog/merge';
import { MANAGED_DEFAULT_SIZES } from '../constructs/instance/managed-database';
import { bytes, cpuMillis } from '../constructs/instance/quantity';
import { blockFootprint } from '../constructs/instance/quota-check';
import { SIZE_PROFILES } from '../constructs/instance/size-profile';

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
  /** One network load balancer (an instance group member's TCP address) for a day, before traffic. */
  readonly loadBalancerDay: number;
  /** Managed database servers (`database.source: managed`). */
  readonly managedDatabase: ManagedDatabasePrices;
}

/** What a managed database server costs: its size by the hour, its storage by the month. */
export interface ManagedDatabasePrices {
  /** Server sizes (RDS instance class, Flexible Server SKU) by the hour. */
  readonly classHour: Readonly<Record<string, number>>;
  /** Cloud SQL custom tiers (`db-custom-<vCPUs>-<MiB>`): one vCPU and one GiB of memory by the hour. */
  readonly customTier?: { readonly vcpuHour: number; readonly memoryGiBHour: number };
  /** One GiB of the server's storage for a month. */
  readonly storageGiBMonth: number;
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
 *
 * A load balancer is an NLB, a Standard Load Balancer's first rules, a forwarding rule, by the hour. Managed database
 * servers are single-zone RDS, Flexible Server and Cloud SQL Enterprise prices of the sizes listed; a size not listed
 * is named in the estimate's basis and left out of the figure.
 */
export const PRICES: Readonly<Record<'aws' | 'azure' | 'gcp', PriceTable>> = {
  aws: {
    vcpuHour: 0.04456,
    memoryGiBHour: 0.00489,
    storageGiBMonth: 0.088,
    cloudResourceDay: { objectStorage: 0.03, queue: 0.01, table: 0.02 },
    loadBalancerDay: 0.6,
    managedDatabase: {
      classHour: {
        'db.t4g.micro': 0.018,
        'db.t4g.small': 0.036,
        'db.t4g.medium': 0.072,
        'db.t4g.large': 0.145,
        'db.m7g.large': 0.184,
      },
      storageGiBMonth: 0.133,
    },
  },
  azure: {
    vcpuHour: 0.048,
    memoryGiBHour: 0.0053,
    storageGiBMonth: 0.09,
    cloudResourceDay: { objectStorage: 0.04, queue: 0.01, table: 0.01 },
    loadBalancerDay: 0.6,
    managedDatabase: {
      classHour: {
        B_Standard_B1ms: 0.02,
        B_Standard_B2s: 0.079,
        GP_Standard_D2s_v3: 0.181,
        GP_Standard_D2ds_v5: 0.181,
      },
      storageGiBMonth: 0.132,
    },
  },
  gcp: {
    vcpuHour: 0.0489,
    memoryGiBHour: 0.0054,
    storageGiBMonth: 0.11,
    cloudResourceDay: { objectStorage: 0.03, queue: 0.01, table: 0.02 },
    loadBalancerDay: 0.6,
    managedDatabase: {
      classHour: {},
      customTier: { vcpuHour: 0.0454, memoryGiBHour: 0.0077 },
      storageGiBMonth: 0.187,
    },
  },
};

export interface DailyCost {
  /** USD a day, rounded to cents; null on an existing cluster. */
  readonly usd: number | null;
  /** What the figure is made of. */
  readonly basis: string;
}

const HOURS_A_WEEK = 7 * 24;
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Hours a week an instance with `workingHours` ("Mon-Fri 07:00-19:00 Europe/Berlin") is awake, as the reaper keeps it. */
export function awakeHoursPerWeek(workingHours: string): number {
  const [days, window] = workingHours.split(' ');
  const [first, last] = days.split('-').map((d) => DAYS.indexOf(d));
  const [start, end] = window.split('-').map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)));
  const dayCount = ((last - first + 7) % 7) + 1;
  // A window past midnight belongs to the day it starts on; start = end is never awake.
  const minutes = start < end ? end - start : start > end ? 24 * 60 - start + end : 0;
  return (dayCount * minutes) / 60;
}

/** Hourly price of a managed server's size, or undefined when the table does not have it. */
function serverHour(prices: ManagedDatabasePrices, size: string): number | undefined {
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(size);
  if (custom && prices.customTier)
    return (
      Number(custom[1]) * prices.customTier.vcpuHour + (Number(custom[2]) / 1024) * prices.customTier.memoryGiBHour
    );
  return prices.classHour[size];
}

/** A part of the figure: USD a day and the words for it in the basis. */
interface Part {
  readonly usd: number;
  readonly basis?: string;
}

/** The instance's managed database server: its size all day and its storage. */
function managedDatabasePart(cloud: 'aws' | 'azure' | 'gcp', instance: InstanceConfig): Part {
  const db = instance.database;
  if (db?.source !== 'managed') return { usd: 0 };
  const size = db.instanceClass ?? MANAGED_DEFAULT_SIZES[cloud].instanceClass;
  const storage = db.storageGiB ?? MANAGED_DEFAULT_SIZES[cloud].storageGiB;
  const prices = PRICES[cloud].managedDatabase;
  const hour = serverHour(prices, size);
  const what = `managed ${db.engine} ${size}, ${storage} GiB`;
  if (hour === undefined) return { usd: 0, basis: `${what} (no list price here for ${size}: not counted)` };
  return { usd: 24 * hour + (storage * prices.storageGiBMonth) / 30, basis: what };
}

/** A share of each shared block the instance uses: the block's requests held all day, split among its users. */
function sharedBlocksPart(prices: PriceTable, instance: InstanceConfig, config?: SandboxConfig): Part {
  if (!instance.uses?.length || !config) return { usd: 0 };
  const catalog = mergeCatalog(BUILTIN_CATALOG, config.catalog ?? []);
  let usd = 0;
  const shares: string[] = [];
  for (const block of instance.uses) {
    const entry = catalog.get(block);
    if (!entry) continue;
    const users = Math.max(
      1,
      (config.instances ?? []).filter((i) => i.cluster === instance.cluster && i.uses?.includes(block)).length,
    );
    const f = blockFootprint({ name: block, entry });
    usd +=
      (24 *
        ((f.requestsCpuMillis / 1000) * prices.vcpuHour + (f.requestsMemoryBytes / 2 ** 30) * prices.memoryGiBHour)) /
      users;
    shares.push(`1/${users} of shared ${block}`);
  }
  return { usd, basis: shares.join(', ') || undefined };
}

/** The load balancers of an instance group member: one per node, each a TCP address of its own. */
function loadBalancersPart(prices: PriceTable, instance: InstanceConfig, config?: SandboxConfig): Part {
  const pool = config ? poolMembership(config, instance.name) : undefined;
  if (!pool) return { usd: 0 };
  // One LoadBalancer Service per database node of the member.
  const count = pool.nodes.length;
  return {
    usd: count * prices.loadBalancerDay,
    basis: `${count} load balancer${count === 1 ? '' : 's'}`,
  };
}

/**
 * What an instance costs a day at most: its quota (size profile with the instance's overrides) held while it is
 * awake (all day, or its working hours), as requests are what the scheduler reserves, its storage all day, its own
 * cloud resources, its managed database server, its instance group member's load balancers, and its share of the
 * shared blocks it uses (`config` gives the users of each and their catalog entries).
 */
export function dailyCost(cluster: ClusterConfig, instance: InstanceConfig, config?: SandboxConfig): DailyCost {
  const quota = { ...SIZE_PROFILES[instance.size ?? 'small'], ...instance.quota };
  const basis = `${quota.cpu} vCPU, ${quota.memory} memory, ${quota.storage} storage (${instance.size ?? 'small'})`;
  if (cluster.cloud === 'existing') return { usd: null, basis: `${basis}; an existing cluster has no price table` };
  const p = PRICES[cluster.cloud];
  const vcpu = cpuMillis(quota.cpu, 'cpu') / 1000;
  const memoryGiB = bytes(quota.memory, 'memory') / 2 ** 30;
  const storageGiB = bytes(quota.storage, 'storage') / 2 ** 30;
  const awake = instance.workingHours ? awakeHoursPerWeek(instance.workingHours) : HOURS_A_WEEK;
  const r = instance.cloudResources;
  const resources = r && (r.source ?? 'cloud') === 'cloud' ? KINDS.filter((k) => r[k]) : [];
  const parts: Part[] = [
    {
      usd: ((24 * awake) / HOURS_A_WEEK) * (vcpu * p.vcpuHour + memoryGiB * p.memoryGiBHour),
      basis: instance.workingHours ? `awake ${awake} of ${HOURS_A_WEEK} hours a week` : undefined,
    },
    { usd: (storageGiB * p.storageGiBMonth) / 30 },
    {
      usd: resources.reduce((sum, k) => sum + p.cloudResourceDay[k], 0),
      basis: resources.length ? `own ${resources.map((k) => KIND_NAMES[k]).join(', ')}` : undefined,
    },
    managedDatabasePart(cluster.cloud, instance),
    loadBalancersPart(p, instance, config),
    sharedBlocksPart(p, instance, config),
  ];
  const usd = parts.reduce((sum, part) => sum + part.usd, 0);
  return {
    usd: Math.round(usd * 100) / 100,
    basis: [basis, ...parts.flatMap((part) => (part.basis ? [part.basis] : []))].join('; '),
  };
}
