import { execFileSync, spawnSync } from 'child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'fs';
import { createHash } from 'crypto';
import { homedir } from 'os';
import { dirname, join } from 'path';
import { BUILTIN_BLOCK_NAMES } from '../constructs/catalog/builtin';
import { MINIMAL_YAML, tempDir } from './fixtures';

const ROOT = join(__dirname, '..');
const PEERS = [
  'cdktf',
  'constructs',
  '@cdktf/provider-helm',
  '@cdktf/provider-kubernetes',
  '@cdktf/provider-random',
  '@cdktf/provider-time',
];
const DEPENDENCIES = ['yaml', 'zod', 'commander'];
const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Packs the package once; every consumer installs the same tarball. */
function pack(): { work: string; tarball: string } {
  const work = tempDir('sandboxkit-pack-');
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
  return { work, tarball: join(work, name) };
}

/**
 * Consumers live here between runs, so that their type check is incremental: only what changed is
 * checked again. Not under node_modules, where TypeScript compiles nothing; one folder per clone.
 */
const CONSUMERS = join(
  process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
  'sandboxkit',
  'package-test',
  createHash('sha256').update(ROOT).digest('hex').slice(0, 12),
);
/** What a consumer keeps from the last run: its compiled output and the type checker's record of what it checked. */
const KEPT = new Set(['dist', 'tsbuildinfo']);

/**
 * Installs the tarball into a consumer with the dependencies already on this machine (no
 * network) and one cloud's provider only: the other clouds' providers are optional peers the
 * consumer never installs. Its tsconfig checks every declaration file it loads
 * (`skipLibCheck: false`). Everything but its compiled output and build info is made anew.
 */
function installConsumer(
  packed: { work: string; tarball: string },
  name: string,
  cloudProvider: string,
  sources: readonly string[],
): string {
  const consumer = join(CONSUMERS, name);
  mkdirSync(consumer, { recursive: true });
  for (const entry of readdirSync(consumer))
    if (!KEPT.has(entry)) rmSync(join(consumer, entry), { recursive: true, force: true });
  const modules = join(consumer, 'node_modules');
  mkdirSync(modules, { recursive: true });
  execFileSync('tar', ['-xzf', packed.tarball, '-C', modules]);
  renameSync(join(modules, 'package'), join(modules, 'sandboxkit'));
  for (const dep of [...PEERS, cloudProvider, ...DEPENDENCIES, '@types/node']) {
    mkdirSync(dirname(join(modules, dep)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep), 'dir');
  }
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'node16',
        moduleResolution: 'node16',
        // The strictest settings users turn on: the docs' snippets come from these files.
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: false,
        types: ['node'],
        outDir: 'dist',
        incremental: true,
        tsBuildInfoFile: 'tsbuildinfo',
      },
      files: [sources[0]],
    }),
  );
  for (const source of sources) copyFileSync(join(__dirname, 'consumer', source), join(consumer, source));
  return consumer;
}

const compile = (consumer: string) =>
  execFileSync(process.execPath, [tsc, '-p', consumer], { cwd: consumer, encoding: 'utf8' });

describe('the npm package', () => {
  let consumer: string;
  let gcp: string;
  let typo: string;
  beforeAll(() => {
    const packed = pack();
    consumer = installConsumer(packed, 'aws-consumer', '@cdktf/provider-aws', ['main.ts']);
    gcp = installConsumer(packed, 'gcp-consumer', '@cdktf/provider-google', ['gcp.ts']);
    typo = installConsumer(packed, 'typo-consumer', '@cdktf/provider-google', ['typo.ts']);
  }, 180000);

  it('ships the compiled code, the charts, the docs the README links to, and no tests', () => {
    const pkg = join(consumer, 'node_modules', 'sandboxkit');
    expect(readdirSync(pkg).sort()).toEqual([
      'CHANGELOG.md',
      'CONTRIBUTING.md',
      'README.md',
      'charts',
      'constructs',
      'dist',
      'docs',
      'examples',
      'package.json',
    ]);
    expect(readdirSync(join(pkg, 'charts')).sort()).toEqual(readdirSync(join(ROOT, 'charts')).sort());
    expect(readdirSync(join(pkg, 'dist'))).not.toContain('test');
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
    const docs = [...readme.matchAll(/\]\(([^)#\s]+\.md)\)/g)].map((m) => m[1]).filter((l) => !/^https?:/.test(l));
    expect(docs.length).toBeGreaterThan(5);
    expect(existsSync(join(pkg, 'examples', 'preview-environment.yml'))).toBe(true);
    expect(docs.filter((l) => !existsSync(join(pkg, l)))).toEqual([]);
  });

  it('runs the command line from the package', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
      bin: Record<string, string>;
    };
    const bin = join(consumer, 'node_modules', 'sandboxkit', pkg.bin.sandboxkit);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(execFileSync(process.execPath, [bin, '--version'], { cwd: consumer, encoding: 'utf8' })).toBe(
      `${pkg.version}\n`,
    );
    expect(
      execFileSync(process.execPath, [bin, 'instance', 'create', '--help'], { cwd: consumer, encoding: 'utf8' }),
    ).toMatch(/^Usage: sandboxkit instance create/);
    // Synthesis needs the provider of each cloud the config uses; without it the command says which to install.
    const run = spawnSync(
      process.execPath,
      [bin, 'bom', '--cluster', 'gcp-main', '--config', join(ROOT, 'examples', 'sandbox.yaml')],
      { cwd: consumer, encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /@cdktf\/provider-(azurerm|google) is not installed, and the config has a cluster on its cloud\. Install the provider of each cloud the config uses: npm install @cdktf\/provider-(azurerm|google)@\d+\.\d+\.\d+\n/,
    );
  });

  it('type-checks a consumer that installs only the Google provider, with skipLibCheck off, and synthesizes it', () => {
    compile(gcp);
    execFileSync(process.execPath, ['dist/gcp.js'], { cwd: gcp, encoding: 'utf8' });
    const stack = JSON.parse(readFileSync(join(gcp, 'cdktf.out', 'stacks', 'gke-sandbox', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(stack.provider).sort()).toEqual(['google', 'helm', 'kubernetes', 'random', 'time']);
    expect(stack.provider.kubernetes[0].token).toMatch(/^\$\{data\.google_client_config\./);
  });

  it('refuses a misspelt built-in block at compile time, naming the blocks there are', () => {
    const run = spawnSync(process.execPath, [tsc, '-p', typo, '--noEmit'], { cwd: typo, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    const errors = run.stdout.split('\n').filter((l) => l.includes('error TS'));
    expect(errors).toEqual([
      expect.stringMatching(
        /^typo\.ts\(\d+,\d+\): error TS\d+: Type '"postgress"' is not assignable to type '"[a-z"| -]+'\. Did you mean '"postgresql"'\?$/,
      ),
    ]);
    const named = errors[0]!
      .match(/to type '([^']+)'/)![1]!
      .split(' | ')
      .map((n) => JSON.parse(n));
    expect(named.sort()).toEqual([...BUILTIN_BLOCK_NAMES].sort());
  });

  it('compiles (skipLibCheck off, only the AWS provider) and synthesizes a consumer app that composes the constructs its own way', () => {
    compile(consumer);
    execFileSync(process.execPath, ['dist/main.js'], { cwd: consumer, encoding: 'utf8' });
    const read = (stack: string) =>
      JSON.parse(readFileSync(join(consumer, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    const cluster = read('team-cluster');
    expect(Object.values(cluster.resource.aws_eks_cluster)[0]).toMatchObject({
      name: 'team',
      vpc_config: { public_access_cidrs: ['198.51.100.0/24'] },
    });
    expect(Object.keys(cluster.resource.aws_nat_gateway)).toHaveLength(2);
    const sandbox = read('team-sandbox');
    const releases = Object.values(sandbox.resource.helm_release)
      .map((r: any) => r.name)
      .sort();
    expect(releases).toEqual(['ledger', 'mock-sms', 'postgresql']);
    const ledger = Object.values(sandbox.resource.helm_release).find((r: any) => r.name === 'ledger') as any;
    expect(JSON.parse(ledger.values[0])).toEqual({
      replicas: 1,
      db: { host: 'postgresql-rw.ledger-pr-42.svc.cluster.local' },
      auth: { secret: 'ledger-credentials' },
      notify: { smsUrl: 'http://mock-sms.ledger-pr-42.svc.cluster.local:8080' },
    });
  });

  it('synthesizes in threads from the compiled package, with and without compiled code kept, to the same bytes as in one thread', () => {
    const instances = ['a', 'b', 'c', 'd'].map(
      (n, i) =>
        `  - { name: ${n}, cluster: kind, owner: dev, blocks: [${i % 2 ? 'valkey' : 'postgresql'}], mocks: [email] }`,
    );
    const config = join(consumer, 'threads.yaml');
    writeFileSync(config, `${MINIMAL_YAML.replace(/instances:[\s\S]*/, 'instances:\n')}${instances.join('\n')}\n`);
    const main = join(consumer, 'node_modules', 'sandboxkit', 'dist', 'main.js');
    const cache = join(consumer, 'compile-cache');
    rmSync(cache, { recursive: true, force: true });
    const synth = (name: string, shards: string, env: NodeJS.ProcessEnv) => {
      const outdir = join(consumer, `out-${name}`);
      const run = spawnSync(process.execPath, [main, '--config', config], {
        cwd: consumer,
        encoding: 'utf8',
        env: {
          ...process.env,
          CDKTF_OUTDIR: outdir,
          SANDBOXKIT_SYNTH_SHARDS: shards,
          NODE_COMPILE_CACHE: cache,
          NODE_DEBUG: 'sandboxkit_compile_cache',
          ...env,
        },
      });
      expect(run.status).toBe(0);
      return {
        outdir,
        fromCache: [...run.stderr.matchAll(/(\d+) modules compiled from the cache/g)].map((m) => Number(m[1])),
      };
    };
    const one = synth('one', '1', { NODE_DISABLE_COMPILE_CACHE: '1' }).outdir;
    // Three threads with an empty compile cache, which each thread fills, then with the cache they left.
    const cold = synth('cold', '3', {});
    const warm = synth('warm', '3', {});
    expect(cold.fromCache).toHaveLength(3);
    expect(warm.fromCache).toHaveLength(3);
    for (const n of warm.fromCache) expect(n).toBeGreaterThan(100);
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name],
      );
    expect(files(one)).toContain('stacks/instance-d/cdk.tf.json');
    for (const other of [cold.outdir, warm.outdir]) {
      expect(files(other).sort()).toEqual(files(one).sort());
      for (const file of files(one))
        expect(readFileSync(join(other, file)).equals(readFileSync(join(one, file)))).toBe(true);
    }
    // A config of existing clusters loads no cloud's provider at all.
    const script = `require(${JSON.stringify(main)}).main(['--config', ${JSON.stringify(config)}], { CDKTF_OUTDIR: ${JSON.stringify(join(consumer, 'out-probe'))} });
      process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => /@cdktf\\/provider-(aws|azurerm|google)\\//.test(k))));`;
    expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: consumer, encoding: 'utf8' }))).toEqual([]);
    const bad = spawnSync(process.execPath, [main, '--config', config], {
      cwd: consumer,
      encoding: 'utf8',
      env: { ...process.env, CDKTF_OUTDIR: join(consumer, 'out-bad'), SANDBOXKIT_SYNTH_SHARDS: 'many' },
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/SANDBOXKIT_SYNTH_SHARDS: expected a whole number of at least 1, got "many"/);
    expect(existsSync(join(consumer, 'out-bad'))).toBe(false);
  });

  it("never loads cdktf's zip library into the synthesizing process, and still zips directory assets", () => {
    const script = `require('./node_modules/sandboxkit/dist/synth/defer-archiver.js');
      const { App, TerraformStack, TerraformAsset, AssetType } = require('cdktf');
      const fs = require('fs'), path = require('path'), os = require('os');
      const real = () => Object.keys(require.cache).some((f) => /node_modules\\/archiver\\/lib\\/core\\.js$/.test(f));
      const before = real();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-'));
      fs.writeFileSync(path.join(dir, 'a.txt'), 'a');
      const app = new App({ outdir: path.join(dir, 'out') });
      const stack = new TerraformStack(app, 's');
      const asset = new TerraformAsset(stack, 'zip', { path: dir + '/', type: AssetType.ARCHIVE });
      app.synth();
      const zip = path.join(dir, 'out', 'stacks', 's', asset.path);
      process.stdout.write(JSON.stringify({ before, after: real(), zip: fs.readFileSync(zip).subarray(0, 2).toString() }));`;
    expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: consumer, encoding: 'utf8' }))).toEqual({
      before: false,
      after: false,
      zip: 'PK',
    });
  });

  it.each([
    ['sandboxkit/aws', ['@cdktf/provider-aws']],
    [
      'sandboxkit',
      ['@cdktf/provider-helm', '@cdktf/provider-kubernetes', '@cdktf/provider-random', '@cdktf/provider-time'],
    ],
  ])('loads only the providers %s needs', (entry, expected) => {
    const script = `require(${JSON.stringify(entry)});
      const loaded = new Set(Object.keys(require.cache).map((k) => (k.match(/node_modules\\/(@cdktf\\/provider-[a-z]+)\\//) || [])[1]).filter(Boolean));
      process.stdout.write(JSON.stringify([...loaded].sort()));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: consumer, encoding: 'utf8' }));
    expect(loaded).toEqual(expected);
  });
});
