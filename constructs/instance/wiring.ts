import type { CatalogEntry, InjectionPaths } from '../catalog/types';
import type { MockEndpoints } from './mocks';
import { setPath } from './values';

/** Everything the instance can hand a block, by the injection path names of the catalog. */
export type WiringFacts = MockEndpoints & {
  readonly credentialsSecret?: string;
  readonly databaseSecret?: string;
  readonly databaseHost?: string;
  readonly databasePort?: string;
  readonly databaseName?: string;
  readonly databaseUser?: string;
  readonly ingressHost?: string;
  readonly storageClass?: string;
  readonly sharedCredentials?: Readonly<Record<string, string>>;
  /** NetworkPolicy peers that may reach the block: its namespace, and for a shared block its users' namespaces. */
  readonly networkPolicyPeers?: readonly Readonly<Record<string, unknown>>[];
} & CloudResourceFacts &
  PoolFacts;

/** What an instance group member hands its blocks (see PoolMember). */
export interface PoolFacts {
  readonly poolJoin?: string;
  readonly poolNodeAddresses?: readonly string[];
  readonly poolNodeCertificates?: readonly string[];
  readonly poolNodeCertificate?: string;
  readonly poolClientCertificate?: string;
  readonly poolCaSecret?: string;
}

/** What an instance's own cloud resources (or the cloud mock standing in for them) hand a block. */
export interface CloudResourceFacts {
  readonly objectStorageBucket?: string;
  readonly queueName?: string;
  readonly tableName?: string;
  readonly cloudRegion?: string;
  readonly cloudServiceAccount?: string;
  readonly queueSubscription?: string;
  readonly cloudProject?: string;
  readonly cloudStorageAccount?: string;
}

/**
 * Facts only some places have, which a chart's own default stands in for elsewhere: the peers of a shared block
 * (an instance's blocks are reached from their own namespace, what such charts default to).
 */
const WHERE_GIVEN: readonly (keyof InjectionPaths)[] = ['networkPolicyPeers'];

/**
 * Writes each fact the block's catalog entry asks for into its values at the
 * entry's injection path. Returns the new values and the facts that were asked
 * for but not available (for a warning).
 */
export function wireValues(
  entry: CatalogEntry,
  values: Readonly<Record<string, unknown>>,
  facts: WiringFacts,
): { values: Record<string, unknown>; missing: string[] } {
  let out: Record<string, unknown> = { ...values };
  const missing: string[] = [];
  const { sharedCredentials, ...paths } = entry.inject ?? {};
  for (const [block, path] of Object.entries(sharedCredentials ?? {})) {
    const secret = facts.sharedCredentials?.[block];
    if (secret === undefined) missing.push(`sharedCredentials.${block}`);
    else out = setPath(out, path, secret);
  }
  for (const [fact, path] of Object.entries(paths) as [Exclude<keyof InjectionPaths, 'sharedCredentials'>, string][]) {
    const value = facts[fact];
    if (value === undefined && !WHERE_GIVEN.includes(fact)) missing.push(fact);
    else if (value !== undefined) out = setPath(out, path, value);
  }
  return { values: out, missing };
}
