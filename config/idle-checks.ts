import { PROMETHEUS_RETENTION_HOURS } from '../constructs/platform/prometheus';
import type { PathIssue } from './path-issue';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The hours of request history the cluster's Prometheus holds, or undefined when it has none for the reaper. */
function historyHours(cluster: Raw): number | undefined {
  const platform = isObject(cluster.platform) ? cluster.platform : {};
  if (typeof platform.prometheusUrl === 'string') return Infinity;
  return platform.monitoring === true ? PROMETHEUS_RETENTION_HOURS : undefined;
}

function hoursIssue(hours: number, history: number | undefined, cluster: string): string | undefined {
  if (history === undefined)
    return `idle reaping counts requests with Prometheus: set platform.monitoring: true or platform.prometheusUrl on cluster "${cluster}"`;
  if (hours > history)
    return `must be at most ${history}: the platform's Prometheus keeps ${history} hours of requests`;
  return undefined;
}

/**
 * Checks of idle reaping: the hours must fit the request history of a Prometheus the cluster has, and a
 * protected instance, which is never reaped, takes no idle hours.
 */
export function idleIssues(clusters: readonly unknown[], instances: readonly unknown[], issues: PathIssue[]): void {
  const byName = new Map(clusters.filter(isObject).map((c) => [c.name, c]));
  clusters.forEach((c, ci) => {
    if (!isObject(c) || !isObject(c.platform) || typeof c.platform.idleHours !== 'number') return;
    const problem = hoursIssue(c.platform.idleHours, historyHours(c), String(c.name));
    if (problem) issues.push({ path: ['clusters', ci, 'platform', 'idleHours'], message: problem });
  });
  instances.forEach((inst, i) => {
    if (!isObject(inst) || inst.idleHours === undefined) return;
    if (inst.protected === true) {
      issues.push({
        path: ['instances', i, 'idleHours'],
        message: 'a protected instance is never reaped; remove idleHours or protected',
      });
      return;
    }
    const cluster = byName.get(inst.cluster);
    if (!cluster || typeof inst.idleHours !== 'number') return;
    const problem = hoursIssue(inst.idleHours, historyHours(cluster), String(cluster.name));
    if (problem) issues.push({ path: ['instances', i, 'idleHours'], message: problem });
  });
}
