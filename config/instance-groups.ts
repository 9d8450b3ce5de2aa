import type { PoolMembership, PoolNode } from '../constructs/instance/pool-member';
import type { ClusterConfig, InstanceGroupConfig, SandboxConfig } from './types';

/** Most database nodes a member may expose, each with a load balancer of its own. */
export const POOL_NODES_MAX = 9;
/** SQL users that get a client certificate when the group names none. */
export const POOL_DEFAULT_CLIENT_USERS: readonly string[] = ['root'];

/** The ingress domain a cluster's constructs use when the config sets none. */
export const ingressDomainOf = (c: ClusterConfig) =>
  c.ingressDomain ?? (c.cloud === 'existing' ? 'sandbox.localhost' : `${c.name}.sandbox.internal`);

/** `<member>.<group>.<domain>`: a member's public name, known to every member at synth time. */
export const memberHostname = (member: string, group: string, domain: string) => `${member}.${group}.${domain}`;

/** The name of node `index` of a member: the member's own name for one node, `<index>.<member name>` for several. */
export const nodeHostname = (memberName: string, index: number, nodes: number) =>
  nodes === 1 ? memberName : `${index}.${memberName}`;

/** The instance name of a group member, however the config writes it. */
export const memberInstance = (m: InstanceGroupConfig['members'][number]) => (typeof m === 'string' ? m : m.instance);

/** The static addresses a member pins, if it does. */
const memberAddresses = (m: InstanceGroupConfig['members'][number]) =>
  typeof m === 'string' ? undefined : m.addresses;

/** The instance's place in its instance group, or undefined when it belongs to none. */
export function poolMembership(config: SandboxConfig, instance: string): PoolMembership | undefined {
  const group = (config.instanceGroups ?? []).find((g) => g.members.some((m) => memberInstance(m) === instance));
  if (!group) return undefined;
  const nodeCount = group.expose.nodes ?? 1;
  const domainOf = (member: string) => {
    if (group.domain) return group.domain;
    const cluster = config.clusters.find((c) => c.name === config.instances?.find((i) => i.name === member)?.cluster);
    if (!cluster)
      throw new Error(`instance group "${group.name}": member "${member}" is not an instance on a declared cluster`);
    return ingressDomainOf(cluster);
  };
  const nodesOf = (m: InstanceGroupConfig['members'][number]): PoolNode[] => {
    const name = memberInstance(m);
    const addresses = memberAddresses(m);
    if (addresses && addresses.length !== nodeCount)
      throw new Error(
        `instance group "${group.name}": member "${name}" gives ${addresses.length} addresses for ${nodeCount} nodes`,
      );
    const base = memberHostname(name, group.name, domainOf(name));
    return Array.from({ length: nodeCount }, (_, i) => ({
      index: i,
      service: nodeCount === 1 ? 'sandbox-pool-member' : `sandbox-pool-member-${i}`,
      ...(addresses
        ? { address: addresses[i], staticAddress: true }
        : { address: nodeHostname(base, i, nodeCount), staticAddress: false }),
      ...(group.expose.statefulSet ? { pod: `${group.expose.statefulSet}-${i}` } : {}),
    }));
  };
  const self = group.members.find((m) => memberInstance(m) === instance)!;
  return {
    group: group.name,
    hostname: memberHostname(instance, group.name, domainOf(instance)),
    nodes: nodesOf(self),
    join: group.members.flatMap((m) => nodesOf(m).map((n) => `${n.address}:${group.expose.port}`)),
    port: group.expose.port,
    selector: group.expose.selector,
    caSecret: group.ca.secret,
    clientUsers: group.clientUsers ?? POOL_DEFAULT_CLIENT_USERS,
  };
}
