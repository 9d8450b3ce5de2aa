/**
 * What each cloud's secret manager accepts as the name of an entry, for keys an instance brings
 * (`secrets[].from.secretManager`): a key the cloud refuses would be accepted by the config and fail at apply.
 */
const RULES: Readonly<Record<'aws' | 'azure' | 'gcp', { readonly pattern: RegExp; readonly rule: string }>> = {
  aws: {
    pattern: /^[A-Za-z0-9/_+=.@-]{1,512}$/,
    rule: 'Secrets Manager names are 1-512 letters, digits and "/_+=.@-"',
  },
  azure: { pattern: /^[0-9A-Za-z-]{1,127}$/, rule: 'Key Vault secret names are 1-127 letters, digits and "-"' },
  gcp: { pattern: /^[A-Za-z0-9_-]{1,255}$/, rule: 'Secret Manager secret ids are 1-255 letters, digits, "_" and "-"' },
};

/** Why `key` cannot name an entry of the secret manager of `cloud`, or undefined when it can (or the cloud has none). */
export function secretManagerKeyProblem(cloud: string, key: string): string | undefined {
  const rule = RULES[cloud as keyof typeof RULES];
  if (!rule || rule.pattern.test(key)) return undefined;
  const hint = key.includes('/') && !rule.pattern.test('a/b') ? '; name the entry without "/"' : '';
  return `${rule.rule}, got "${key}"${hint}`;
}
