import { Token } from 'cdktf';

/*
 * Two shortcuts around cdktf 0.21 internals that have no public switch. Together they
 * are most of a large synth's CPU time; neither changes a byte of the output (the
 * snapshot suites run with them on). `SANDBOXKIT_CDKTF_FAST_PATHS=0` turns both off.
 *
 * - Token creation traces: every token (Intrinsic, Lazy, each attribute reference)
 *   records an unlimited-depth stack trace that is only printed if the token later
 *   fails to resolve. The App's `stackTraces` option covers construct metadata only.
 * - Resolution of plain data: cdktf resolves every element by walking its whole value
 *   tree, allocating contexts and testing each string for token markers, three times
 *   per synth (prepare, element, stack). Subtrees without any token resolve to a copy
 *   without `undefined` entries; they are copied directly, and only the parts that hold
 *   tokens go through cdktf's resolver, with the same options and path.
 */

type ResolveOptions = { readonly prefix?: readonly string[] } & Record<string, unknown>;
type Resolve = (obj: unknown, options: ResolveOptions) => unknown;

/* eslint-disable @typescript-eslint/no-require-imports -- private modules without a public entry point; each export is a plain, writable property */
const traces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: (below?: unknown) => string[] };
const resolution = require('cdktf/lib/tokens/private/resolve') as { resolve: Resolve };
/* eslint-enable @typescript-eslint/no-require-imports */

const cdktfResolve = resolution.resolve;
const NO_TRACE: string[] = [];
/** cdktf refuses paths deeper than this as circular; deeper data goes to cdktf for its error. */
const MAX_DEPTH = 200;
/** What cdktf's resolver treats as a number token inside a string (its NUMBER_TOKEN_REGEX). */
const NUMBER_IN_STRING = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;

function isPlainString(s: string): boolean {
  return (
    !s.includes('{TfToken[') && !NUMBER_IN_STRING.test(s) && s !== Token.STRING_MAP_TOKEN_VALUE && s !== Token.ANY_MAP_TOKEN_VALUE
  );
}

function isPlainObject(o: object): o is Record<string, unknown> {
  const proto = Object.getPrototypeOf(o);
  return (proto === Object.prototype || proto === null) && typeof (o as { resolve?: unknown }).resolve !== 'function';
}

/** True when `value` holds no token anywhere, so resolving it only drops `undefined` entries. */
function isPlainData(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
      return true;
    case 'string':
      return isPlainString(value);
    case 'number':
      return value !== Token.NUMBER_MAP_TOKEN_VALUE && !Token.isUnresolved(value);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return value.every((v) => isPlainData(v, depth + 1));
      if (!isPlainObject(value)) return false;
      for (const key of Object.keys(value)) if (!isPlainString(key) || !isPlainData(value[key], depth + 1)) return false;
      return true;
    default:
      return false;
  }
}

/** The resolution of plain data: a copy without `undefined` array items and object entries. */
function copyPlain(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyPlain).filter((v) => v !== undefined);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = copyPlain(v);
  return out;
}

function resolveWithPlainCopies(obj: unknown, options: ResolveOptions): unknown {
  const prefix = options.prefix ?? [];
  if (isPlainData(obj, prefix.length)) return copyPlain(obj);
  // An ordinary object whose keys are plain: walk it here, so that plain siblings of a token are copied.
  if (typeof obj === 'object' && obj !== null && !Array.isArray(obj) && isPlainObject(obj) && prefix.length < MAX_DEPTH) {
    const keys = Object.keys(obj);
    if (keys.every(isPlainString)) {
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const value = resolveWithPlainCopies(obj[key], { ...options, prefix: [...prefix, key] });
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
  }
  return cdktfResolve(obj, options);
}

/** Installs both shortcuts for the rest of the process, unless the environment turns them off. */
export function useCdktfFastPaths(env: NodeJS.ProcessEnv = process.env): void {
  if (env.SANDBOXKIT_CDKTF_FAST_PATHS === '0') return;
  traces.captureStackTrace = () => NO_TRACE;
  resolution.resolve = resolveWithPlainCopies;
}
