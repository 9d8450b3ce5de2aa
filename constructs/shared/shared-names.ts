/** Namespace of a cluster's shared block: one per block, apart from every instance. */
export const sharedNamespace = (block: string) => `shared-${block}`;

/** Label of a shared block's namespace, naming the block. */
export const SHARED_BLOCK_LABEL = 'sandbox.dev/shared-block';

/**
 * Label Terraform sets on the namespace of an instance that uses the shared block; the block's
 * ingress policy admits exactly these namespaces, and owners cannot edit namespaces.
 */
export const usesLabel = (block: string) => `sandbox.dev/uses-${block}`;
