import type { CatalogEntry, PodSecurityLevel } from '../catalog/types';

/** The Pod Security level an instance's namespace enforces, and why it is not `restricted`. */
export interface InstancePodSecurity {
  readonly level: PodSecurityLevel;
  /** Blocks whose catalog entry lowers the level, in the order listed, with the reason each entry gives. */
  readonly loweredBy: readonly { readonly block: string; readonly reason: string }[];
}

const LEVEL_ORDER: readonly PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];

/**
 * The level of an instance's namespace: `restricted`, unless a block's catalog entry asks for a lower one; then the
 * lowest any block asks for. The instance construct and the CLI's `status` and `list` both ask this.
 */
export function instancePodSecurity(
  blocks: readonly { readonly name: string; readonly entry: CatalogEntry }[],
): InstancePodSecurity {
  const loweredBy = blocks.flatMap((b) => (b.entry.podSecurity ? [{ block: b.name, ...b.entry.podSecurity }] : []));
  const level = loweredBy.reduce<PodSecurityLevel>(
    (lowest, b) => (LEVEL_ORDER.indexOf(b.level) > LEVEL_ORDER.indexOf(lowest) ? b.level : lowest),
    'restricted',
  );
  return { level, loweredBy: loweredBy.map(({ block, reason }) => ({ block, reason })) };
}
