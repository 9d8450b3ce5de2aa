import { existsSync, readFileSync } from 'fs';
import Module from 'module';
import { homedir } from 'os';
import { basename, dirname, join } from 'path';
import { debuglog } from 'util';
import { constants as vmConstants, Script } from 'vm';
import * as zlib from 'zlib';
import { CodeCacheStore } from './code-cache-store';

/*
 * A small synth spent over a third of its time reading and compiling the JavaScript it
 * loads: the generated provider bindings of four clouds alone are over 20 MB. V8 can keep
 * compiled code between runs. Node 22.1+ does it itself (`module.enableCompileCache`); on
 * Node 20 the CommonJS loader is given the same cache here, keyed like Node's by the CRC-32
 * of each source (and its length). `v8-compile-cache`, the package for older Node, gains
 * nothing on these files: it hashes every source with SHA-1, asks V8 for new cache data
 * on every compile and rewrites its whole blob at exit.
 */

const debug = debuglog('sandboxkit_compile_cache');

/** What {@link enableCompileCache} turned on. */
export type CompileCacheMode = 'native' | 'loader' | 'disabled';

interface ModuleInternals {
  _extensions: Record<string, (module: Module, filename: string) => void>;
  _cache: Record<string, Module>;
  _resolveFilename(request: string, parent: Module, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: Module): string[] | null;
  wrap(source: string): string;
  enableCompileCache?: (dir?: string) => { status: number; message?: string; directory?: string };
}

let mode: CompileCacheMode | undefined;
/** The loader's store, and how many modules it compiled from the cache and from source. */
let loader: { readonly store: CodeCacheStore; hits: number; fromSource: number } | undefined;

/** The cache folder: `NODE_COMPILE_CACHE` as Node reads it, else `sandboxkit/compile` in the user's cache folder. */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NODE_COMPILE_CACHE) return env.NODE_COMPILE_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sandboxkit', 'compile');
}

/**
 * Keeps V8's compiled code of the CommonJS modules this process loads from now on in
 * {@link compileCacheDir}, and uses it in later runs. `NODE_DISABLE_COMPILE_CACHE=1`
 * turns it off, as it does Node's own. Called once per process or thread, first.
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): CompileCacheMode {
  if (mode) return mode;
  if (env.NODE_DISABLE_COMPILE_CACHE || process.sourceMapsEnabled) return (mode = 'disabled');
  const internals = Module as unknown as ModuleInternals;
  const dir = compileCacheDir(env);
  if (internals.enableCompileCache) {
    const result = internals.enableCompileCache(dir);
    debug('native cache: %s', result.directory ?? result.message);
    return (mode = result.directory ? 'native' : 'disabled');
  }
  if (typeof zlib.crc32 !== 'function') return (mode = 'disabled');
  const own = join(dir, `${process.version}-${process.arch}`);
  let store: CodeCacheStore;
  try {
    store = new CodeCacheStore(own);
  } catch (err) {
    debug('no cache in %s: %s', own, (err as Error).message);
    return (mode = 'disabled');
  }
  installLoader(internals, store);
  return (mode = 'loader');
}

function installLoader(internals: ModuleInternals, store: CodeCacheStore): void {
  const original = internals._extensions['.js'];
  const state = (loader = { store, hits: 0, fromSource: 0 });
  internals._extensions['.js'] = function loadWithCache(module: Module, filename: string): void {
    if (!isCommonJs(filename)) return original(module, filename);
    const bytes = readFileSync(filename);
    const key = { crc: zlib.crc32(bytes), length: bytes.length };
    const source = internals.wrap(stripBom(bytes.toString('utf8')));
    const cached = store.get(key);
    const script = compile(source, filename, cached?.length ? cached : undefined);
    if (script.cachedDataRejected === false) state.hits += 1;
    else state.fromSource += 1;
    if (cached === undefined || script.cachedDataRejected)
      store.add(key, DYNAMIC_IMPORT.test(source) ? () => Buffer.alloc(0) : () => script.createCachedData());
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, requireFor(internals, module), module, filename, dirname(filename));
  };
  process.once('exit', flushCompileCache);
}

/**
 * Writes the code of the modules compiled without a cache entry (after they ran, so it holds
 * the functions the run compiled, not just the top level). It happens at exit by itself; a
 * thread that is terminated rather than left to end calls it first.
 */
export function flushCompileCache(): void {
  const current = loader;
  if (!current) return;
  loader = undefined;
  debug('%d modules compiled from the cache, %d from source', current.hits, current.fromSource);
  try {
    current.store.flush();
  } catch (err) {
    debug('cache not written: %s', (err as Error).message);
  }
}

/*
 * On Node 20 a script made from cache data loses its dynamic import() callback (nodejs/node#43663,
 * v8-compile-cache#30): a module that may call import() gets an empty entry, which means "from source".
 */
const DYNAMIC_IMPORT = /\bimport\s*\(/;

function compile(source: string, filename: string, cachedData?: Buffer): Script {
  return new Script(source, {
    filename,
    cachedData,
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
}

/** The `require` a CommonJS module is given, as Node's loader makes it. */
function requireFor(internals: ModuleInternals, module: Module): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) =>
    internals._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => internals._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = internals._extensions as unknown as NodeJS.RequireExtensions;
  require.cache = internals._cache as unknown as NodeJS.Dict<NodeJS.Module>;
  return require;
}

function stripBom(source: string): string {
  return source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
}

const scopeTypes = new Map<string, string | undefined>();

/** A `.cjs` file, or a `.js` file whose nearest package.json does not say `"type": "module"`; ES modules keep Node's own loading. */
function isCommonJs(filename: string): boolean {
  if (filename.endsWith('.cjs')) return true;
  if (!filename.endsWith('.js')) return false;
  return packageType(dirname(filename)) !== 'module';
}

function packageType(dir: string): string | undefined {
  if (scopeTypes.has(dir)) return scopeTypes.get(dir);
  let type: string | undefined;
  const manifest = join(dir, 'package.json');
  if (existsSync(manifest)) {
    try {
      type = (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type;
    } catch {
      type = undefined;
    }
  } else if (basename(dir) !== 'node_modules' && dirname(dir) !== dir) {
    type = packageType(dirname(dir));
  }
  scopeTypes.set(dir, type);
  return type;
}
