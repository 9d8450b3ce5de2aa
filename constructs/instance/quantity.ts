const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/;
const MEMORY_FACTOR: Record<string, number> = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

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
