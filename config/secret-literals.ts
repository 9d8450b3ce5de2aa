/** Words that end a key holding a credential, e.g. `password`, `adminPassword`, `auth.token`, `jwt_secret`. */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'token',
  'secret',
  'apikey',
  'credential',
  'credentials',
]);
/** Two-word endings that hold a credential: `apiKey`, `privateKey`, `accessKey`, `secretKey`, `clientSecret`. */
const SECRET_PAIRS = new Set([
  'api key',
  'private key',
  'access key',
  'secret key',
  'secret access key',
  'client secret',
]);
/** Keys that name a Secret or a file rather than hold a value: `existingSecret`, `usersExistingSecret`, `passwordSecretName`, `tokenFile`. */
const REFERENCE_FIRST = new Set(['existing']);
const REFERENCE_LAST = new Set(['name', 'ref', 'file', 'path', 'key', 'keys', 'secretref']);

/** `adminPassword`, `admin_password` and `admin-password` become `['admin', 'password']`. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Whether a values key holds a credential itself (not a reference to a Secret that holds it). */
export function isSecretKey(key: string): boolean {
  const w = words(key);
  if (w.length === 0 || w.slice(0, -1).some((word) => REFERENCE_FIRST.has(word))) return false;
  const last = w[w.length - 1];
  const lastTwo = w.slice(-2).join(' ');
  const lastThree = w.slice(-3).join(' ');
  if (SECRET_PAIRS.has(lastTwo) || SECRET_PAIRS.has(lastThree)) return true;
  if (REFERENCE_LAST.has(last)) return false;
  return SECRET_WORDS.has(last);
}

/** Paths (`auth.password`, `users[0].token`) of every credential-looking key with a literal value in `values`. */
export function secretLiterals(values: unknown, path: readonly (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(values)) return values.flatMap((v, i) => secretLiterals(v, [...path, i]));
  if (typeof values !== 'object' || values === null) return [];
  return Object.entries(values).flatMap(([key, value]) => {
    const at = [...path, key];
    const literal = (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';
    return isSecretKey(key) && literal ? [at] : secretLiterals(value, at);
  });
}

/** How a block gets a credential without writing it into the config, state or plan output. */
export const SECRET_LITERAL_HINT =
  'looks like a credential written into the config, where it ends up in Terraform state and plan output; ' +
  'let the instance generate it instead (catalog `credentials`, read by the block from the `<block>-credentials` Secret ' +
  'through `inject.credentialsSecret`, e.g. `auth.existingSecret`), or point the chart at an existing Secret';
