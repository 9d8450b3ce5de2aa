const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/;
const MEMORY_FACTOR: Record<string, number> = {
  '': 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** CPU quantity in millicores; throws naming `what` when it does not parse. */
export function cpuMillis(quantity: string, what: string): number {
  const m = CPU.exec(quantity);
  if (!m) throw new Error(`${what} must be a CPU quantity such as 500m or 2, got "${quantity}"`);
  return m[2] === 'm' ? Number(m[1]) : Number(m[1]) * 1000;
}

/** Memory or storage quantity in bytes; throws naming `what` when it does not parse. */
export function bytes(quantity: string, what: string): number {
  const m = MEMORY.exec(quantity);
  if (!m) throw new Error(`${what} must be a quantity such as 512Mi or 8Gi, got "${quantity}"`);
  return Number(m[1]) * MEMORY_FACTOR[m[2] ?? ''];
}

/** What pods ask of a namespace quota: requests, limits and the number of pods. */
export interface Footprint {
  readonly requestsCpuMillis: number;
  readonly requestsMemoryBytes: number;
  readonly limitsCpuMillis: number;
  readonly limitsMemoryBytes: number;
  readonly pods: number;
}

export const NO_FOOTPRINT: Footprint = {
  requestsCpuMillis: 0,
  requestsMemoryBytes: 0,
  limitsCpuMillis: 0,
  limitsMemoryBytes: 0,
  pods: 0,
};

/** Requests and limits of one container, as a chart's values write them. */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** `pods` pods of one container each with `resources`; `what` names the source in errors. */
export function footprintOf(resources: ContainerResources, pods: number, what: string): Footprint {
  return {
    requestsCpuMillis: cpuMillis(resources.requests.cpu, `${what} requests.cpu`) * pods,
    requestsMemoryBytes: bytes(resources.requests.memory, `${what} requests.memory`) * pods,
    limitsCpuMillis: cpuMillis(resources.limits.cpu, `${what} limits.cpu`) * pods,
    limitsMemoryBytes: bytes(resources.limits.memory, `${what} limits.memory`) * pods,
    pods,
  };
}

export function addFootprints(a: Footprint, b: Footprint): Footprint {
  return {
    requestsCpuMillis: a.requestsCpuMillis + b.requestsCpuMillis,
    requestsMemoryBytes: a.requestsMemoryBytes + b.requestsMemoryBytes,
    limitsCpuMillis: a.limitsCpuMillis + b.limitsCpuMillis,
    limitsMemoryBytes: a.limitsMemoryBytes + b.limitsMemoryBytes,
    pods: a.pods + b.pods,
  };
}

/** `2.5` CPU, `1.25Gi`: totals as people read them in messages. */
export function formatCpu(millis: number): string {
  return `${Number((millis / 1000).toFixed(3))}`;
}
export function formatMemory(bytesTotal: number): string {
  return `${Number((bytesTotal / 1024 ** 3).toFixed(2))}Gi`;
}
