import type { PathIssue } from './semantics';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks of what long-lived environments ask of their cluster: protection from
 * expiry only where the cluster allows it.
 */
export function environmentIssues(clusters: readonly unknown[], instances: readonly unknown[], issues: PathIssue[]): void {
  const byName = new Map(clusters.filter(isObject).map((c) => [c.name, c]));
  instances.forEach((inst, i) => {
    if (!isObject(inst) || inst.protected !== true) return;
    const cluster = byName.get(inst.cluster);
    if (cluster && cluster.allowProtectedInstances !== true) {
      issues.push({
        path: ['instances', i, 'protected'],
        message: `cluster "${String(inst.cluster)}" does not allow protected instances; set allowProtectedInstances: true on it, or give the instance a ttlHours`,
      });
    }
    if (inst.ttlHours !== undefined) {
      issues.push({ path: ['instances', i, 'ttlHours'], message: 'a protected instance never expires; remove ttlHours or protected' });
    }
  });
}
