import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'fs';
import Module from 'module';
import { join } from 'path';
import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';
import { compileCacheDir, enableCompileCache } from '../../synth/compile-cache';
import { tempDir } from '../fixtures';

/*
 * The cache replaces how Node compiles CommonJS modules, so it is tried in real Node processes:
 * the module compiled to JavaScript, a small app with a dependency, and the app run again and again.
 */
const SYNTH = join(__dirname, '..', '..', 'synth');

interface Run {
  readonly status: number | null;
  readonly report: Record<string, unknown>;
  readonly fromCache: number;
  readonly fromSource: number;
  readonly stderr: string;
}

function app(): { dir: string; run: (env?: NodeJS.ProcessEnv) => Run; dependency: string } {
  const dir = tempDir('sandboxkit-compile-cache-');
  for (const name of ['compile-cache', 'code-cache-store']) {
    const source = readFileSync(join(SYNTH, `${name}.ts`), 'utf8');
    writeFileSync(
      join(dir, `${name}.js`),
      transpileModule(source, {
        compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true },
      }).outputText,
    );
  }
  const dep = join(dir, 'node_modules', 'dep');
  mkdirSync(dep, { recursive: true });
  writeFileSync(join(dep, 'package.json'), JSON.stringify({ name: 'dep', main: 'index.js' }));
  writeFileSync(
    join(dep, 'index.js'),
    `exports.value = 'aaaa';
exports.filename = __filename;
exports.dirname = __dirname;
exports.resolved = require.resolve('./other');
exports.paths = require.resolve.paths('x').length > 0;
exports.main = require.main && require.main.filename;
exports.other = require('./other');
exports.dynamic = require('./lazy');
exports.thrower = () => { throw new Error('from dep'); };
`,
  );
  writeFileSync(join(dep, 'other.js'), 'module.exports = 7;\n');
  writeFileSync(join(dep, 'lazy.js'), "module.exports = () => import('./esm.mjs');\n");
  writeFileSync(join(dep, 'esm.mjs'), 'export const x = 42;\n');
  const esm = join(dir, 'node_modules', 'esm-only');
  mkdirSync(esm, { recursive: true });
  writeFileSync(join(esm, 'package.json'), JSON.stringify({ name: 'esm-only', type: 'module', main: 'index.js' }));
  writeFileSync(join(esm, 'index.js'), 'export const y = 1;\n');
  writeFileSync(
    join(dir, 'run.js'),
    `const mode = require('./compile-cache.js').enableCompileCache();
const dep = require('dep');
let esm;
try { esm = require('esm-only').y; } catch (err) { esm = err.code; }
let stack;
try { dep.thrower(); } catch (err) { stack = err.stack.split('\\n')[1].trim(); }
dep.dynamic().then((m) => process.stdout.write(JSON.stringify({ mode, value: dep.value, filename: dep.filename, dirname: dep.dirname,
  resolved: dep.resolved, paths: dep.paths, main: dep.main, other: dep.other, dynamic: m.x, esm, stack })));
`,
  );
  const run = (env: NodeJS.ProcessEnv = {}): Run => {
    const result = spawnSync(process.execPath, ['run.js'], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        NODE_COMPILE_CACHE: join(dir, 'compiled'),
        NODE_DEBUG: 'sandboxkit_compile_cache',
        ...env,
      },
    });
    const counts = /(\d+) modules compiled from the cache, (\d+) from source/.exec(result.stderr);
    return {
      status: result.status,
      report: result.stdout ? (JSON.parse(result.stdout) as Record<string, unknown>) : {},
      fromCache: counts ? Number(counts[1]) : -1,
      fromSource: counts ? Number(counts[2]) : -1,
      stderr: result.stderr,
    };
  };
  return { dir, run, dependency: join(dep, 'index.js') };
}

const folder = (dir: string) => join(dir, 'compiled', `${process.version}-${process.arch}`);
const packs = (dir: string) => readdirSync(folder(dir)).sort();
/** A whole pack with no entries: the format's header and a count of 0. */
const emptyPack = () => Buffer.from([0x53, 0x4b, 0x43, 0x43, 1, 0, 0, 0, 0, 0, 0, 0]);

describe('compile cache', () => {
  it('compiles a module from source once, then from the cache, and the module behaves the same', () => {
    const { dir, run } = app();
    const plain = run({ NODE_DISABLE_COMPILE_CACHE: '1' });
    const first = run();
    const second = run();
    expect(plain).toMatchObject({ status: 0, report: { mode: 'disabled' } });
    expect(first).toMatchObject({ status: 0, fromCache: 0, fromSource: 3 });
    expect(packs(dir)).toHaveLength(1);
    // The module that calls import() is compiled from source every time: Node 20 loses the callback of cached code.
    expect(second).toMatchObject({ status: 0, fromCache: 2, fromSource: 1 });
    expect(packs(dir)).toHaveLength(1);
    const { mode, ...behaviour } = second.report;
    expect(mode).toBe('loader');
    const { mode: _, ...plainBehaviour } = plain.report;
    expect(behaviour).toEqual(plainBehaviour);
    expect(behaviour).toMatchObject({
      value: 'aaaa',
      filename: join(dir, 'node_modules', 'dep', 'index.js'),
      other: 7,
      dynamic: 42,
      paths: true,
      main: join(dir, 'run.js'),
    });
    expect(behaviour.stack).toMatch(/node_modules\/dep\/index\.js:9:/);
  });

  it('leaves ES modules to Node: a "type": "module" package loads or fails as it does without the cache', () => {
    const { run } = app();
    expect(run().report.esm).toBe(run({ NODE_DISABLE_COMPILE_CACHE: '1' }).report.esm);
  });

  it('never serves the code of an earlier version of a file, even of the same length', () => {
    const { run, dependency } = app();
    expect(run().report.value).toBe('aaaa');
    writeFileSync(dependency, readFileSync(dependency, 'utf8').replace("'aaaa'", "'bbbb'"));
    const changed = run();
    expect(changed).toMatchObject({ fromCache: 1, fromSource: 2, report: { value: 'bbbb' } });
  });

  it('compiles from source again when an entry is damaged, and writes it anew', () => {
    const { dir, run } = app();
    run();
    const [pack] = packs(dir);
    const bytes = readFileSync(join(folder(dir), pack));
    // Rows start after the 12-byte header: 12 bytes an entry, data after the rows.
    const data = 12 + 12 * bytes.readUInt32LE(8);
    bytes.fill(0x5a, data);
    writeFileSync(join(folder(dir), pack), bytes);
    expect(run()).toMatchObject({ status: 0, fromCache: 0, fromSource: 3, report: { value: 'aaaa', dynamic: 42 } });
    expect(run()).toMatchObject({ fromCache: 2, fromSource: 1, report: { dynamic: 42 } });
  });

  it('drops a pack that is not whole', () => {
    const { dir, run } = app();
    run();
    const [pack] = packs(dir);
    const bytes = readFileSync(join(folder(dir), pack));
    writeFileSync(join(folder(dir), pack), bytes.subarray(0, bytes.length - 1));
    expect(run()).toMatchObject({ status: 0, fromCache: 0, fromSource: 3, report: { value: 'aaaa' } });
    expect(packs(dir)).not.toContain(pack);
    expect(run()).toMatchObject({ fromCache: 2 });
  });

  it('removes what a writer killed mid-write left, not what one is writing now', () => {
    const { dir, run } = app();
    run();
    const old = join(folder(dir), 'x-1-0.pack.tmp');
    const now = join(folder(dir), 'x-2-0.pack.tmp');
    writeFileSync(old, 'partial');
    writeFileSync(now, 'partial');
    utimesSync(old, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    expect(run()).toMatchObject({ status: 0, fromCache: 2 });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(now)).toBe(true);
  });

  it('runs without a cache where the folder cannot be made', () => {
    const { dir, run } = app();
    writeFileSync(join(dir, 'a-file'), '');
    expect(run({ NODE_COMPILE_CACHE: join(dir, 'a-file', 'cache') })).toMatchObject({
      status: 0,
      report: { mode: 'disabled', value: 'aaaa' },
    });
  });

  it('compacts many packs into one of the entries the writing run used', () => {
    const { dir, run, dependency } = app();
    run();
    for (let i = 0; i < 16; i++) writeFileSync(join(folder(dir), `0000000000-${i}.pack`), emptyPack());
    writeFileSync(dependency, readFileSync(dependency, 'utf8').replace("'aaaa'", "'cccc'"));
    expect(run()).toMatchObject({ fromCache: 1, fromSource: 2, report: { value: 'cccc' } });
    expect(packs(dir)).toHaveLength(1);
    expect(run()).toMatchObject({ fromCache: 2, fromSource: 1 });
  });

  it("uses Node's own cache where Node has one, in the same folder", () => {
    const internals = Module as unknown as { enableCompileCache?: (dir?: string) => unknown };
    const had = internals.enableCompileCache;
    const calls: (string | undefined)[] = [];
    internals.enableCompileCache = (dir?: string) => {
      calls.push(dir);
      return { status: 1, directory: dir };
    };
    try {
      jest.isolateModules(() => {
        const isolated = jest.requireActual<typeof import('../../synth/compile-cache')>('../../synth/compile-cache');
        expect(isolated.enableCompileCache({ NODE_COMPILE_CACHE: '/var/cache/x' })).toBe('native');
      });
    } finally {
      if (had) internals.enableCompileCache = had;
      else delete internals.enableCompileCache;
    }
    expect(calls).toEqual(['/var/cache/x']);
  });

  it('keeps the cache under the user cache folder unless NODE_COMPILE_CACHE names one', () => {
    expect(compileCacheDir({ HOME: '/home/u', XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/sandboxkit/compile');
    expect(compileCacheDir({ NODE_COMPILE_CACHE: '/elsewhere' })).toBe('/elsewhere');
    expect(enableCompileCache({ NODE_DISABLE_COMPILE_CACHE: '1' })).toBe('disabled');
  });

  it('is not turned on when the entry points run from TypeScript sources, under a test runner', () => {
    const loader = (Module as unknown as { _extensions: Record<string, unknown> })._extensions['.js'];
    jest.isolateModules(() => {
      jest.requireActual('../../synth/process-start');
    });
    expect((Module as unknown as { _extensions: Record<string, unknown> })._extensions['.js']).toBe(loader);
  });
});
