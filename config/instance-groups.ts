import type { PoolMembership } from '../constructs/instance/pool-member';
import type { SandboxConfig } from './types';

/** `<member>.<group>.<domain>`: a member's public name, known to every member at synth time. */
export const memberHostname = (member: string, group: string, domain: string) => `${member}.${group}.${domain}`;

/** The instance's place in its instance group, or undefined when it belongs to none. */
export function poolMembership(config: SandboxConfig, instance: string): PoolMembership | undefined {
  const group = (config.instanceGroups ?? []).find((g) => g.members.includes(instance));
  if (!group) return undefined;
  return {
    group: group.name,
    hostname: memberHostname(instance, group.name, group.domain),
    join: group.members.map((m) => `${memberHostname(m, group.name, group.domain)}:${group.expose.port}`),
    port: group.expose.port,
    selector: group.expose.selector,
    caSecret: group.ca.secret,
  };
}
