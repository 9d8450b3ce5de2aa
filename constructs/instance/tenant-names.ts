import { Token } from 'cdktf';
import { PLATFORM_DEFAULTS } from '../cluster';

/**
 * Namespaces an instance may never take: Kubernetes' own and the platform's. An instance there would put its
 * owner's edit rights next to the platform's controllers, secrets and admission exemptions.
 */
export const RESERVED_NAMESPACES: readonly string[] = [
  'default',
  'sandbox-platform',
  PLATFORM_DEFAULTS.gatewayNamespace,
  PLATFORM_DEFAULTS.deployerNamespace,
  'envoy-gateway-system',
  'cert-manager',
  PLATFORM_DEFAULTS.externalSecretsNamespace,
  'cnpg-system',
  'strimzi-system',
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
  return templateSyntaxProblem(name);
}

/**
 * Why a string written into Terraform's configuration as it is would not stay a plain string, or undefined: `${` and
 * `%{` start Terraform template expressions, which Terraform evaluates on the machine that plans
 * (`${file("/proc/self/environ")}`).
 */
export function templateSyntaxProblem(text: string): string | undefined {
  const found = /[$%]\{/.exec(text);
  return found
    ? `must not contain "${found[0]}": Terraform would evaluate it as a template expression on the machine that applies`
    : undefined;
}

/**
 * Where each cloud keeps the secrets sandboxkit generates (every cluster's instances, their managed databases, the
 * platform): a key there is another instance's or the platform's, never one an instance may bring.
 */
const GENERATED: Readonly<Record<string, { readonly test: (key: string) => boolean; readonly where: string }>> = {
  aws: { test: (k) => k.startsWith('sandbox/'), where: 'names under "sandbox/", where every cluster keeps its own' },
  azure: { test: (k) => k.includes('--'), where: 'names with "--", which instances\' generated secrets use' },
  gcp: { test: (k) => k.startsWith('sandbox-'), where: 'names starting "sandbox-", where every cluster keeps its own' },
};

/**
 * Why an instance may not bring the secret-manager entry `key` on a cluster of `cloud`, or undefined. The instance's
 * identity is granted read on exactly the key: a wildcard would grant every matching secret of the account, and a
 * generated secret's name would hand over another instance's or the platform's credentials.
 */
export function broughtSecretKeyProblem(key: string, cloud: string): string | undefined {
  const wildcard = /[*?[\]]/.exec(key);
  if (wildcard) return `must name one secret, without wildcards ("${wildcard[0]}"): the instance may read exactly it`;
  const generated = GENERATED[cloud];
  if (generated?.test(key))
    return `must not be one of the secrets sandboxkit generates (${generated.where}): bring a secret of your own`;
  return undefined;
}

/** cdktf's markers of a string, list and map token inside a string. */
const TOKEN_MARKER = /[$#&]\{TfToken\[/;
/** Numbers written in exponent form, as cdktf writes the doubles that encode number tokens. */
const EXPONENT_NUMBER = /[-+]?\d+(?:\.\d+)?e[-+]?\d+/gi;

/**
 * Why a value from the config would resolve to something else during synthesis, or undefined. cdktf stands for
 * every token (a reference, another stack's output, a generated password) by a marker string or a special double,
 * and resolves whatever looks like one, wherever it comes from: a marker in the config would pull that value in.
 */
export function cdktfTokenProblem(value: unknown): string | undefined {
  if (typeof value === 'number')
    return Token.isUnresolved(value) ? 'is a number cdktf reserves for its tokens' : undefined;
  if (typeof value !== 'string') return undefined;
  if (TOKEN_MARKER.test(value))
    return 'must not contain a cdktf token marker ("${TfToken[", "#{TfToken[" or "&{TfToken[")';
  for (const match of value.match(EXPONENT_NUMBER) ?? []) {
    if (Token.isUnresolved(Number(match))) return `must not contain ${match}, a number cdktf reserves for its tokens`;
  }
  return undefined;
}
