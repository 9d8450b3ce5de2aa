import { PLATFORM_DEFAULTS } from '../cluster';

/**
 * Namespaces an instance may never take: Kubernetes' own and the platform's. An instance there would put its
 * owner's edit rights next to the platform's controllers, secrets and admission exemptions.
 */
export const RESERVED_NAMESPACES: readonly string[] = [
  'default',
  'sandbox-platform',
  PLATFORM_DEFAULTS.gatewayNamespace,
  'envoy-gateway-system',
  'cert-manager',
  PLATFORM_DEFAULTS.externalSecretsNamespace,
  'cnpg-system',
  'external-dns',
  'monitoring',
];

/** Why `namespace` cannot hold an instance, or undefined when it can. */
export function reservedNamespaceProblem(namespace: string): string | undefined {
  if (namespace.startsWith('kube-')) return `must not be a Kubernetes system namespace (kube-*), got "${namespace}"`;
  if (RESERVED_NAMESPACES.includes(namespace))
    return `must not be a system or platform namespace (${RESERVED_NAMESPACES.join(', ')}, kube-*), got "${namespace}"`;
  return undefined;
}

/**
 * Why a user or group name cannot own an instance, or undefined when it can. `system:` names belong to
 * Kubernetes itself (`system:authenticated` is every user, `system:masters` every admin); control characters
 * would forge lines in logs and audit records.
 */
export function ownerIdentityProblem(name: string): string | undefined {
  if (name.trim() === '') return 'must not be empty';
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'must not contain control characters';
  if (name.toLowerCase().startsWith('system:'))
    return `must not be a Kubernetes system identity ("system:..."), got "${name}"`;
  return undefined;
}
