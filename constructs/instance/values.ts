type Obj = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Merges `over` into `base` without changing either. Objects merge key by key;
 * arrays are replaced, or appended when `appendArrays` is set (influences add
 * scrape targets and members rather than replacing them). With `appendArrays`,
 * a text that ends in a line break is appended to as well, so that influences
 * can add entries to a multi-line document such as a declarative configuration.
 */
export function mergeValues(base: Readonly<Obj>, over: Readonly<Obj>, appendArrays = false): Obj {
  const out: Obj = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    if (isPlainObject(current) && isPlainObject(value)) out[key] = mergeValues(current, value, appendArrays);
    else if (appendArrays && Array.isArray(current) && Array.isArray(value)) out[key] = [...current, ...value];
    else if (appendArrays && typeof current === 'string' && current.endsWith('\n') && typeof value === 'string')
      out[key] = current + value;
    else out[key] = value;
  }
  return out;
}

/** The value at a dot path such as `cluster.instances` or `hosts[0]`, or undefined when nothing is there. */
export function getPath(values: Readonly<Obj>, path: string): unknown {
  let node: unknown = values;
  for (const part of path.split('.')) {
    const indexed = /^(.+)\[(\d+)\]$/.exec(part);
    const key = indexed ? indexed[1] : part;
    node = isPlainObject(node) ? node[key] : undefined;
    if (indexed) node = Array.isArray(node) ? node[Number(indexed[2])] : undefined;
  }
  return node;
}

/** Returns a copy of `values` with `value` set at a dot path such as `auth.existingSecret` or `hosts[0]`. */
export function setPath(values: Readonly<Obj>, path: string, value: unknown): Obj {
  const [head, ...rest] = path.split('.');
  const indexed = /^(.+)\[(\d+)\]$/.exec(head);
  if (indexed) {
    const [, key, index] = indexed;
    const list = Array.isArray(values[key]) ? [...(values[key] as unknown[])] : [];
    const item = list[Number(index)];
    list[Number(index)] = rest.length ? setPath(isPlainObject(item) ? item : {}, rest.join('.'), value) : value;
    return { ...values, [key]: list };
  }
  if (rest.length === 0) return { ...values, [head]: value };
  const child = values[head];
  return { ...values, [head]: setPath(isPlainObject(child) ? child : {}, rest.join('.'), value) };
}

/**
 * Replaces `{name}` placeholders in every string of `value`, mapping keys included (so that each influencing block
 * can add an entry of its own, e.g. `routes: { '{block}': ... }`). Unknown placeholders stay as they are.
 */
export function fillPlaceholders<T>(value: T, vars: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') return fillText(value, vars) as T;
  if (Array.isArray(value)) return value.map((v) => fillPlaceholders(v, vars)) as T;
  if (isPlainObject(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [fillText(k, vars), fillPlaceholders(v, vars)]),
    ) as T;
  return value;
}

const fillText = (text: string, vars: Readonly<Record<string, string>>) =>
  text.replace(/\{([a-z]+)\}/g, (m, k: string) => vars[k] ?? m);
