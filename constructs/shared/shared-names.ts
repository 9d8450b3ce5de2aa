import type { CatalogEntry } from '../catalog/types';

/** Namespace of a cluster's shared block: one per block, apart from every instance. */
export const sharedNamespace = (block: string) => `shared-${block}`;

/** Label of a shared block's namespace, naming the block. */
export const SHARED_BLOCK_LABEL = 'sandbox.dev/shared-block';

/**
 * Label Terraform sets on the namespace of an instance that uses the shared block; the block's
 * ingress policy admits exactly these namespaces, and owners cannot edit namespaces.
 */
export const usesLabel = (block: string) => `sandbox.dev/uses-${block}`;

/** The Secret of a shared block's generated credentials, in its own namespace. */
export const sharedCredentialsSource = (block: string) => `${block}-credentials`;

/**
 * The Secret of a block's own namespace that its users receive a copy of (`sharedSecret`, else its generated
 * credentials), or undefined when it shares none.
 */
export function sharedSecretOf(
  block: string,
  entry: Pick<CatalogEntry, 'sharedSecret' | 'credentials'>,
): string | undefined {
  if (entry.sharedSecret) return entry.sharedSecret.replace(/\{block\}/g, block);
  return entry.credentials?.length ? sharedCredentialsSource(block) : undefined;
}

/** Role in a shared block's namespace that may `get` its credentials Secret and nothing else. */
export const SHARED_CREDENTIALS_READER = 'credentials-reader';

/**
 * The copy of a shared block's credentials in a user's namespace; prefixed so that it never meets the
 * `<block>-credentials` of a block the instance runs itself.
 */
export const sharedCredentialsSecret = (block: string) => `shared-${block}-credentials`;

/** Service account of a user's namespace that reads one shared block's credentials, and the SecretStore that uses it. */
export const sharedCredentialsAccount = (block: string) => `shared-${block}-reader`;
