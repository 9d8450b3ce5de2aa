import { ingressDomainOf, memberHostname } from './instance-groups';
import type { PathIssue } from './path-issue';
import type { ClusterConfig } from './types';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether external-dns, which writes names under `zone` only, may write `name`. */
const inZone = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);

/**
 * What a group asks of its members' clusters: each allows TCP exposure
 * (`allowTcpExposure`), and runs external-dns in a zone that serves the
 * members' names, since the join list names members by DNS alone.
 */
export function instanceGroupClusterIssues(
  groups: readonly unknown[],
  instances: readonly unknown[],
  clusters: readonly unknown[],
  issues: PathIssue[],
): void {
  const instanceByName = new Map(instances.filter(isObject).map((i) => [i.name, i]));
  const clusterByName = new Map(clusters.filter(isObject).map((c) => [c.name, c]));
  groups.forEach((g, gi) => {
    if (!isObject(g) || !Array.isArray(g.members)) return;
    const domain = typeof g.domain === 'string' ? g.domain : undefined;
    const outside: string[] = [];
    g.members.forEach((entry, mi) => {
      const m = isObject(entry) ? entry.instance : entry;
      const pinned = isObject(entry) && Array.isArray(entry.addresses);
      const inst = instanceByName.get(m);
      const cluster = inst ? clusterByName.get(inst.cluster) : undefined;
      if (!cluster) return;
      const path = ['instanceGroups', gi, 'members', mi];
      const name = String(cluster.name);
      if (pinned && cluster.cloud === 'aws') {
        issues.push({
          path: [...path, 'addresses'],
          message: `instance "${String(m)}" is on AWS cluster "${name}", whose network load balancers take Elastic IP allocations, not addresses: leave addresses out and let external-dns name its nodes`,
        });
      }
      if (cluster.allowTcpExposure !== true) {
        issues.push({
          path,
          message: `instance "${String(m)}" is on cluster "${name}", which does not allow TCP exposure; set allowTcpExposure: true on the cluster to let group members have a load balancer`,
        });
      }
      const zone = ingressDomainOf(cluster as unknown as ClusterConfig);
      const host = memberHostname(String(m), String(g.name), domain ?? zone);
      if (pinned) return;
      if (!isObject(cluster.platform) || !isObject(cluster.platform.externalDns)) {
        issues.push({
          path,
          message: `cluster "${name}" of instance "${String(m)}" runs no external-dns (platform.externalDns), so nothing publishes ${host}; run it, or give the member's node addresses ({ instance: ${String(m)}, addresses: [...] })`,
        });
      } else if (domain && !inZone(domain, zone)) {
        outside.push(`cluster "${name}" (member "${String(m)}") writes names under ${zone} only`);
      }
    });
    if (outside.length) {
      issues.push({
        path: ['instanceGroups', gi, 'domain'],
        message: `"${domain}" is outside the zone of the external-dns of member clusters: ${outside.join('; ')}; use a domain every member's zone serves, or leave domain out`,
      });
    }
  });
}
