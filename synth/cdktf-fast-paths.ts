import { Token, Tokenization } from 'cdktf';

/*
 * Shortcuts around cdktf 0.21 internals that have no public switch. Together they are
 * most of a large synth's CPU time; none changes a byte of the output
 * (`test/synth/synthesis.test.ts` compares whole synths with and without them).
 * `SANDBOXKIT_CDKTF_FAST_PATHS=0` turns them all off.
 *
 * - Token creation traces: every token (Intrinsic, Lazy, each attribute reference)
 *   records an unlimited-depth stack trace that is only printed if the token later
 *   fails to resolve. The App's `stackTraces` option covers construct metadata only.
 * - Resolution of plain data: cdktf resolves every element by walking its whole value
 *   tree, allocating contexts and testing each string for token markers, three times
 *   per synth (prepare, element, stack). Subtrees without any token resolve to a copy
 *   without `undefined` entries; they are copied directly, and only the parts that hold
 *   tokens go through cdktf's resolver, with the same options and path.
 * - Snake-casing of keys: every element's meta arguments and every provider's
 *   configuration are snake-cased on each of the two passes, with three regular
 *   expressions per key; the few distinct keys are converted once per process.
 */

type ResolveOptions = { readonly prefix?: readonly string[] } & Record<string, unknown>;
type Resolve = (obj: unknown, options: ResolveOptions) => unknown;

/* eslint-disable @typescript-eslint/no-require-imports -- private modules without a public entry point; each export is a plain, writable property */
const traces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: (below?: unknown) => string[] };
const resolution = require('cdktf/lib/tokens/private/resolve') as { resolve: Resolve };
const util = require('cdktf/lib/util') as {
  snakeCase: (s: string) => string;
  keysToSnakeCase: (o: unknown) => unknown;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const cdktfResolve = resolution.resolve;
const NO_TRACE: string[] = [];
/** cdktf refuses paths deeper than this as circular; deeper data goes to cdktf for its error. */
const MAX_DEPTH = 200;
/** What cdktf's resolver treats as a number token inside a string (its NUMBER_TOKEN_REGEX). */
const NUMBER_IN_STRING = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;

function isPlainString(s: string): boolean {
  return (
    !s.includes('{TfToken[') &&
    !NUMBER_IN_STRING.test(s) &&
    s !== Token.STRING_MAP_TOKEN_VALUE &&
    s !== Token.ANY_MAP_TOKEN_VALUE
  );
}

function isPlainObject(o: object): o is Record<string, unknown> {
  const proto = Object.getPrototypeOf(o);
  return (proto === Object.prototype || proto === null) && typeof (o as { resolve?: unknown }).resolve !== 'function';
}

/** Marks a value that holds a token somewhere, so the caller hands it to cdktf. */
const HAS_TOKEN: unique symbol = Symbol('has-token');

/**
 * The resolution of `value` when it holds no token: a copy without `undefined` array
 * items and object entries (with `copy` false, `value` itself: cdktf's preparing pass
 * throws its result away); `HAS_TOKEN` otherwise. One walk, no allocation for leaves.
 */
function plainValue(value: unknown, depth: number, copy: boolean): unknown {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
      return value;
    case 'string':
      return isPlainString(value) ? value : HAS_TOKEN;
    case 'number':
      return value !== Token.NUMBER_MAP_TOKEN_VALUE && !Token.isUnresolved(value) ? value : HAS_TOKEN;
    case 'object': {
      if (value === null) return null;
      if (depth >= MAX_DEPTH) return HAS_TOKEN;
      if (Array.isArray(value)) {
        const out: unknown[] = [];
        for (const item of value) {
          const plain = plainValue(item, depth + 1, copy);
          if (plain === HAS_TOKEN) return HAS_TOKEN;
          if (copy && plain !== undefined) out.push(plain);
        }
        return copy ? out : value;
      }
      if (!isPlainObject(value)) return HAS_TOKEN;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        if (!isPlainString(key)) return HAS_TOKEN;
        const plain = plainValue(value[key], depth + 1, copy);
        if (plain === HAS_TOKEN) return HAS_TOKEN;
        if (copy && plain !== undefined) out[key] = plain;
      }
      return copy ? out : value;
    }
    default:
      return HAS_TOKEN;
  }
}

/**
 * Resolves `obj` as cdktf would. Plain subtrees are copied; an ordinary object with plain
 * keys is walked here, so that its plain entries are copied and only the entries holding
 * tokens go to cdktf, with the path cdktf would have given them. Arrays and everything
 * else holding a token go to cdktf whole: arrays of list tokens resolve as a unit.
 */
function resolveWithPlainCopies(obj: unknown, options: ResolveOptions): unknown {
  const prefix = options.prefix ?? [];
  const copy = !options.preparing;
  if (
    typeof obj !== 'object' ||
    obj === null ||
    Array.isArray(obj) ||
    !isPlainObject(obj) ||
    prefix.length >= MAX_DEPTH
  ) {
    const plain = plainValue(obj, prefix.length, copy);
    return plain === HAS_TOKEN ? cdktfResolve(obj, options) : plain;
  }
  const keys = Object.keys(obj);
  if (!keys.every(isPlainString)) return cdktfResolve(obj, options);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = obj[key];
    let resolved = plainValue(value, prefix.length + 1, copy);
    if (resolved === HAS_TOKEN) resolved = resolveWithPlainCopies(value, { ...options, prefix: [...prefix, key] });
    if (resolved !== undefined) out[key] = resolved;
  }
  return out;
}

const cdktfSnakeCase = util.snakeCase;
const snakeCases = new Map<string, string>();

function snakeCase(key: string): string {
  let cased = snakeCases.get(key);
  if (cased === undefined) {
    cased = cdktfSnakeCase(key);
    snakeCases.set(key, cased);
  }
  return cased;
}

/** cdktf's `keysToSnakeCase`, statement for statement, with the key conversion remembered. */
function keysToSnakeCase(object: unknown): unknown {
  if (Tokenization.isResolvable(object)) return object;
  const recurse = (e: unknown) => (typeof e === 'object' ? keysToSnakeCase(e) : e);
  if (Array.isArray(object)) return object.map(recurse);
  const source = object as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (key === 'tags' || key === 'environment') {
      out[key] = source[key];
      continue;
    }
    let value = source[key];
    if (typeof value === 'object') value = keysToSnakeCase(value);
    if (Array.isArray(value)) value = value.map(recurse);
    out[snakeCase(key)] = value;
  }
  return out;
}

const cdktfDefaults = {
  captureStackTrace: traces.captureStackTrace,
  resolve: resolution.resolve,
  keysToSnakeCase: util.keysToSnakeCase,
};

/** Turns the shortcuts on or off for the rest of the process. */
export function setCdktfFastPaths(on: boolean): void {
  traces.captureStackTrace = on ? () => NO_TRACE : cdktfDefaults.captureStackTrace;
  resolution.resolve = on ? resolveWithPlainCopies : cdktfDefaults.resolve;
  util.keysToSnakeCase = on ? keysToSnakeCase : cdktfDefaults.keysToSnakeCase;
}

/** Installs the shortcuts for the rest of the process, unless the environment turns them off. */
export function useCdktfFastPaths(env: NodeJS.ProcessEnv = process.env): void {
  setCdktfFastPaths(env.SANDBOXKIT_CDKTF_FAST_PATHS !== '0');
}
