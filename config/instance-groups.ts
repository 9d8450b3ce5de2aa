import type { PoolMembership } from '../constructs/instance/pool-member';
import type { ClusterConfig, SandboxConfig } from './types';

/** The ingress domain a cluster's constructs use when the config sets none. */
export const ingressDomainOf = (c: ClusterConfig) =>
  c.ingressDomain ?? (c.cloud === 'existing' ? 'sandbox.localhost' : `${c.name}.sandbox.internal`);

/** `<member>.<group>.<domain>`: a member's public name, known to every member at synth time. */
export const memberHostname = (member: string, group: string, domain: string) => `${member}.${group}.${domain}`;

/** The instance's place in its instance group, or undefined when it belongs to none. */
export function poolMembership(config: SandboxConfig, instance: string): PoolMembership | undefined {
  const group = (config.instanceGroups ?? []).find((g) => g.members.includes(instance));
  if (!group) return undefined;
  const domainOf = (member: string) => {
    if (group.domain) return group.domain;
    const cluster = config.clusters.find((c) => c.name === config.instances?.find((i) => i.name === member)?.cluster);
    if (!cluster)
      throw new Error(`instance group "${group.name}": member "${member}" is not an instance on a declared cluster`);
    return ingressDomainOf(cluster);
  };
  const hostname = (member: string) => memberHostname(member, group.name, domainOf(member));
  return {
    group: group.name,
    hostname: hostname(instance),
    join: group.members.map((m) => `${hostname(m)}:${group.expose.port}`),
    port: group.expose.port,
    selector: group.expose.selector,
    caSecret: group.ca.secret,
  };
}
