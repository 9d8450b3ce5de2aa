import { createHash } from 'crypto';

/** RFC 1123 label: what Kubernetes accepts for namespaces, labels values' names and Helm for releases. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Helm stores releases in Secrets whose names add a suffix, so release names stop at 53 characters. */
export const HELM_RELEASE_NAME_MAX = 53;

/** Kubernetes label values and namespace names stop at 63 characters. */
export const KUBERNETES_NAME_MAX = 63;

/** Returns a message describing why `value` is not a DNS-1123 label of at most `max` characters, or undefined. */
export function dnsLabelProblem(value: string, max: number = KUBERNETES_NAME_MAX): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > max) return `must be at most ${max} characters, got ${value.length}`;
  if (!DNS_LABEL.test(value)) {
    return 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Throws when `value` is not a DNS-1123 label; `what` names the construct and prop for the message. */
export function assertDnsLabel(what: string, value: string, max: number = KUBERNETES_NAME_MAX): void {
  const problem = dnsLabelProblem(value, max);
  if (problem) throw new Error(`${what} ${problem}, got "${truncateForMessage(value)}"`);
}

/**
 * Joins `parts` with `separator` and, when the result exceeds `max`, shortens it
 * and appends a stable hash of the full name, so distinct inputs stay distinct
 * without random ids.
 */
export function boundedName(parts: readonly string[], max: number, separator = '-'): string {
  const full = parts.join(separator);
  if (full.length <= max) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  const head = full.slice(0, max - hash.length - separator.length).replace(/[^a-zA-Z0-9]+$/, '');
  return `${head}${separator}${hash}`;
}

/** The cluster and the name of one sandbox instance, which together identify it. */
export interface InstanceIdentity {
  readonly cluster: string;
  readonly instance: string;
}

/**
 * The name of a cloud resource of one instance: `parts` joined by `separator`, then a stable 8-hex hash of the
 * cluster, the instance and the parts. Names joined from cluster and instance alone are ambiguous (`dev` + `eu-x` and
 * `dev-eu` + `x` both give `sandbox-dev-eu-x`), and two names shortened to a cloud's limit could meet; the hash keeps
 * them apart. Parts that do not fit `max` are shortened, never the hash, which also ends the name in a letter or digit.
 */
export function instanceCloudName(
  id: InstanceIdentity,
  parts: readonly string[],
  max: number,
  separator = '-',
): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([id.cluster, id.instance, ...parts]))
    .digest('hex')
    .slice(0, 8);
  const room = max - hash.length - separator.length;
  const head = parts
    .join(separator)
    .slice(0, room)
    .replace(/[^a-zA-Z0-9]+$/, '');
  return `${head}${separator}${hash}`;
}

/** Keeps error messages readable when a hostile input carries a huge string. */
export function truncateForMessage(value: string, max = 80): string {
  return value.length <= max ? value : `${value.slice(0, max)}… (${value.length} characters)`;
}
