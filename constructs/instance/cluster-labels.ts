import type { CatalogEntry, Requirement } from '../catalog/types';
import { describeRequirement, matchesRequirement } from './match';

/**
 * Label keys a cluster's facts are published under, for `requires.cluster` of
 * catalog entries. Node pool labels appear as `nodes/<key>`, set when any pool
 * carries that key.
 */
export const CLUSTER_LABEL_KEYS = {
  cloud: 'cloud',
  kubernetesVersion: 'kubernetes-version',
  region: 'region',
  storageRwx: 'storage-rwx',
  storageClass: 'storage-class',
  nodeLabelPrefix: 'nodes/',
  /** The Strimzi Kafka operator's version, where the platform installs it (`platform.kafka`). */
  strimziOperator: 'operator/strimzi',
} as const;

/** A block's cluster requirement that the cluster does not meet. */
export interface UnmetClusterRequirement {
  readonly block: string;
  readonly requirement: Requirement;
}

/** Whether labels satisfy a requirement; a value that is not a version never satisfies a comparison. */
function meets(labels: Readonly<Record<string, string>>, requirement: Requirement): boolean {
  try {
    return matchesRequirement(labels, requirement);
  } catch {
    return false;
  }
}

/** The cluster requirements of `blocks` that the cluster's labels do not meet, in block order. */
export function unmetClusterRequirements(
  blocks: readonly { readonly name: string; readonly entry: CatalogEntry }[],
  labels: Readonly<Record<string, string>>,
): UnmetClusterRequirement[] {
  return blocks.flatMap((b) =>
    (b.entry.requires?.cluster ?? [])
      .filter((r) => !meets(labels, r))
      .map((requirement) => ({ block: b.name, requirement })),
  );
}

/** `block "x" requires a cluster with …; cluster "c" has cloud=aws, …`, for messages. */
export function describeUnmet(
  unmet: UnmetClusterRequirement,
  clusterName: string,
  labels: Readonly<Record<string, string>>,
): string {
  const facts =
    Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || 'no labels';
  return `block "${unmet.block}" requires a cluster with ${describeRequirement(unmet.requirement)}; cluster "${clusterName}" has ${facts}`;
}
