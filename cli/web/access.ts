import type { InstanceConfig, WebConfig } from '../../config/types';

/** Who is signed in to the web page: a name (the owner names of instance specs use the same kind) and groups. */
export interface WebUser {
  readonly name: string;
  readonly groups: readonly string[];
}

/** What an action on an instance needs of its spec: the owner and the owner group. */
export type Ownership = Pick<InstanceConfig, 'owner' | 'ownerGroup'>;

/** A decision, with the reason the page shows. */
export interface Decision {
  readonly allowed: boolean;
  readonly reason: string;
}

/** Whether the config names the user a platform admin, by name or by one of their groups. */
export function isAdmin(user: WebUser, web: WebConfig | undefined): boolean {
  return (web?.admins ?? []).includes(user.name) || user.groups.some((g) => (web?.adminGroups ?? []).includes(g));
}

/**
 * Whether the user may extend, stop, start or destroy the instance: its owner, a member of its owner group, or a
 * platform admin of the config. Everyone signed in may read every instance.
 */
export function mayAct(user: WebUser, instance: Ownership, web: WebConfig | undefined): Decision {
  if (user.name === instance.owner) return { allowed: true, reason: 'you own this instance' };
  if (instance.ownerGroup && user.groups.includes(instance.ownerGroup))
    return { allowed: true, reason: `you are in its owner group ${instance.ownerGroup}` };
  if (isAdmin(user, web)) return { allowed: true, reason: 'you are a platform admin' };
  const who = [
    `its owner ${instance.owner}`,
    ...(instance.ownerGroup ? [`members of group ${instance.ownerGroup}`] : []),
    'platform admins',
  ];
  return {
    allowed: false,
    reason: `you are signed in as ${user.name}; only ${who.slice(0, -1).join(', ')} and ${who[who.length - 1]} may change this instance`,
  };
}
