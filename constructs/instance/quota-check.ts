import type { CatalogEntry } from '../catalog/types';
import { mockFootprint, type MockKind } from './mocks';
import { addFootprints, bytes, cpuMillis, formatCpu, formatMemory, NO_FOOTPRINT, type Footprint } from './quantity';
import { seedFootprint } from './seed-data';
import type { QuotaSpec } from './size-profile';
import { getPath } from './values';

/** The ResourceQuota allows limits of this factor times the size profile's requests. */
export const QUOTA_LIMITS_FACTOR = 2;

/** A block as the quota sees it: its entry, and the values it is installed with when they are known. */
export interface QuotaBlock {
  readonly name: string;
  readonly entry: CatalogEntry;
  /** Catalog defaults with the instance's values over them. @default - the catalog defaults */
  readonly values?: Readonly<Record<string, unknown>>;
}

/** How many replicas run at `path` of `values`, when that is a whole number. */
function replicasAt(values: Readonly<Record<string, unknown>> | undefined, path: string): number | undefined {
  const n = values ? getPath(values, path) : undefined;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Requests, limits and pods of a resource profile (or a replica's part of one); `what` names it in errors. */
function footprintOfProfile(
  r: { cpu: string; memory: string; limits?: { cpu: string; memory: string }; pods?: number },
  what: string,
): Footprint {
  const limits = r.limits ?? { cpu: r.cpu, memory: r.memory };
  return {
    requestsCpuMillis: cpuMillis(r.cpu, `${what}.cpu`),
    requestsMemoryBytes: bytes(r.memory, `${what}.memory`),
    limitsCpuMillis: cpuMillis(limits.cpu, `${what}.limits.cpu`),
    limitsMemoryBytes: bytes(limits.memory, `${what}.limits.memory`),
    pods: r.pods ?? 1,
  };
}

/**
 * What one block asks of the quota, from its catalog entry (which the conformance tests hold to the chart): the
 * entry's totals and its `optionalPods` whose value is true, with `perReplica` (or an even share of the totals) added for each replica the block's values set at
 * `resources.replicasPath` beyond the count the entry's own values give (1 when they give none), or taken away for
 * each one fewer.
 */
export function blockFootprint(b: QuotaBlock): Footprint {
  const r = b.entry.resources;
  const what = `block "${b.name}" resources`;
  let total = footprintOfProfile(r, what);
  for (const [i, extra] of (r.optionalPods ?? []).entries())
    if (b.values && getPath(b.values, extra.when) === true)
      total = addFootprints(total, footprintOfProfile(extra, `${what}.optionalPods[${i}]`));
  if (!r.replicasPath) return total;
  const declared = replicasAt(b.entry.values, r.replicasPath) ?? 1;
  const running = replicasAt(b.values, r.replicasPath) ?? declared;
  if (running === declared) return total;
  const each: Footprint = r.perReplica
    ? footprintOfProfile(r.perReplica, `${what}.perReplica`)
    : {
        requestsCpuMillis: total.requestsCpuMillis / declared,
        requestsMemoryBytes: total.requestsMemoryBytes / declared,
        limitsCpuMillis: total.limitsCpuMillis / declared,
        limitsMemoryBytes: total.limitsMemoryBytes / declared,
        pods: total.pods / declared,
      };
  const more = running - declared;
  return {
    requestsCpuMillis: total.requestsCpuMillis + more * each.requestsCpuMillis,
    requestsMemoryBytes: total.requestsMemoryBytes + more * each.requestsMemoryBytes,
    limitsCpuMillis: total.limitsCpuMillis + more * each.limitsCpuMillis,
    limitsMemoryBytes: total.limitsMemoryBytes + more * each.limitsMemoryBytes,
    pods: total.pods + more * each.pods,
  };
}

/** Everything an instance runs that the quota counts. */
export interface QuotaDemand {
  readonly blocks: readonly QuotaBlock[];
  readonly mocks: readonly MockKind[];
  readonly seedJobs: number;
}

const NAMES: Record<keyof Footprint, string> = {
  requestsCpuMillis: 'requests.cpu',
  requestsMemoryBytes: 'requests.memory',
  limitsCpuMillis: 'limits.cpu',
  limitsMemoryBytes: 'limits.memory',
  pods: 'pods',
};

const describe = (f: Footprint) =>
  `requests ${formatCpu(f.requestsCpuMillis)} CPU and ${formatMemory(f.requestsMemoryBytes)}, limits ${formatCpu(f.limitsCpuMillis)} CPU and ${formatMemory(f.limitsMemoryBytes)}, ${f.pods} pods`;

/**
 * Why the blocks, mocks and seed jobs of an instance would not fit its ResourceQuota (requests,
 * limits and pods, all at once), or undefined when they fit; `overridden` when the instance set
 * its own quota over the size profile. Config validation and the
 * SandboxInstance construct both ask this, so they agree.
 */
export function quotaProblem(
  demand: QuotaDemand,
  quota: QuotaSpec,
  size: string,
  overridden = false,
): string | undefined {
  let total = NO_FOOTPRINT;
  for (const b of demand.blocks) total = addFootprints(total, blockFootprint(b));
  for (const kind of demand.mocks) total = addFootprints(total, mockFootprint(kind));
  for (let i = 0; i < demand.seedJobs; i++) total = addFootprints(total, seedFootprint());
  const cpu = cpuMillis(quota.cpu, 'quota.cpu');
  const memory = bytes(quota.memory, 'quota.memory');
  const allowed: Footprint = {
    requestsCpuMillis: cpu,
    requestsMemoryBytes: memory,
    limitsCpuMillis: cpu * QUOTA_LIMITS_FACTOR,
    limitsMemoryBytes: memory * QUOTA_LIMITS_FACTOR,
    pods: quota.pods,
  };
  const over = (Object.keys(allowed) as (keyof Footprint)[]).filter((k) => total[k] > allowed[k]);
  if (over.length === 0) return undefined;
  return (
    `${demand.blocks.length} blocks, ${demand.mocks.length} mocks and ${demand.seedJobs} seed jobs need ${describe(total)}; ` +
    `${overridden ? `the quota (size "${size}" with overrides)` : `the quota of size "${size}"`} allows ${describe(allowed)} (over: ${over.map((k) => NAMES[k]).join(', ')}); choose a larger size or set quota`
  );
}
