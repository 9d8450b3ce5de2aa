import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { availableParallelism, tmpdir } from 'os';
import { join } from 'path';
import { parse, stringify } from 'yaml';
import { shardCount } from '../synth/shards';

/**
 * `npm run bench`: whole-process wall time, CPU time and peak memory of a synth of the
 * compiled app, for the example config and for generated configs of 1 to 500 instances
 * spread over the example's clusters; and, in the same run and alternating with the
 * example, one EKS cluster of cdk-eks-blueprints (bench/blueprints), for the ratio.
 * The app keeps compiled code between runs (a compile cache of the bench's own, filled by
 * each case's warm-up); the example is also timed with that cache off and with it empty.
 * Prints a table and writes bench/results/latest.json.
 */
const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const MEASURE = join(__dirname, 'measure.js');
const BLUEPRINTS = join(ROOT, 'bench', 'blueprints');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? '1,10,100,200,500').split(',').map(Number);
const BLOCK_MIXES = [
  ['postgresql', 'valkey'],
  ['postgresql', 'keycloak'],
  ['seaweedfs'],
  ['postgresql', 'valkey', 'workflow'],
];
const MOCK_MIXES = [['email'], ['email', 'sms'], [], ['payment', 'sms']];

interface Sample {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly maxRssMiB: number;
}

interface Summary {
  readonly medianWallSeconds: number;
  readonly medianCpuSeconds: number;
  readonly maxRssMiB: number;
}

interface CaseResult extends Summary {
  readonly name: string;
  readonly instances: number;
  readonly samples: readonly Sample[];
}

function generatedConfig(dir: string, instances: number): string {
  const example = parse(readFileSync(join(ROOT, 'examples', 'sandbox.yaml'), 'utf8'));
  const clusters = example.clusters.map((c: { name: string }) => c.name);
  example.instances = Array.from({ length: instances }, (_, i) => ({
    name: `bench-${i}`,
    cluster: clusters[i % clusters.length],
    owner: `user${i}@example.org`,
    ttlHours: 24,
    blocks: BLOCK_MIXES[i % BLOCK_MIXES.length],
    mocks: MOCK_MIXES[i % MOCK_MIXES.length],
  }));
  const file = join(dir, `bench-${instances}.yaml`);
  writeFileSync(file, stringify(example));
  return file;
}

/** Runs `args` under node with the peak-memory probe; the output folder is removed before and after. */
function measure(args: readonly string[], cwd: string, out: string, env: NodeJS.ProcessEnv, dir: string): Sample {
  const report = join(dir, 'report.json');
  rmSync(out, { recursive: true, force: true });
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--require', MEASURE, ...args], {
    cwd,
    env: { ...process.env, ...env, BENCH_REPORT: report },
    encoding: 'utf8',
  });
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed:\n${run.stderr}`);
  const { maxRssKiB, cpuMicros } = JSON.parse(readFileSync(report, 'utf8')) as { maxRssKiB: number; cpuMicros: number };
  rmSync(out, { recursive: true, force: true });
  return { wallSeconds, cpuSeconds: cpuMicros / 1e6, maxRssMiB: maxRssKiB / 1024 };
}

/** The compile cache turned off, as `NODE_DISABLE_COMPILE_CACHE=1` does for a user. */
const NO_CACHE = { NODE_DISABLE_COMPILE_CACHE: '1' };

const synth = (config: string, dir: string, env: NodeJS.ProcessEnv = {}) =>
  measure(
    [MAIN, '--config', config],
    ROOT,
    join(dir, 'cdktf.out'),
    { CDKTF_OUTDIR: join(dir, 'cdktf.out'), NODE_COMPILE_CACHE: join(dir, 'compile-cache'), ...env },
    dir,
  );
const blueprintsSynth = (dir: string) =>
  measure([join(BLUEPRINTS, 'app.js')], BLUEPRINTS, join(dir, 'cdk.out'), { CDK_OUTDIR: join(dir, 'cdk.out') }, dir);

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function summarize(samples: readonly Sample[]): Summary {
  return {
    medianWallSeconds: median(samples.map((s) => s.wallSeconds)),
    medianCpuSeconds: median(samples.map((s) => s.cpuSeconds)),
    maxRssMiB: Math.max(...samples.map((s) => s.maxRssMiB)),
  };
}

function runCase(name: string, instances: number, config: string, dir: string): CaseResult {
  synth(config, dir); // warm-up: file cache, not counted
  const samples = Array.from({ length: RUNS }, () => synth(config, dir));
  return { name, instances, ...summarize(samples), samples };
}

/**
 * The example (with and without the compile cache) and the blueprints cluster in turn, so
 * all see the same machine; ratios are taken pair by pair.
 */
function runComparison(dir: string) {
  const config = join(ROOT, 'examples', 'sandbox.yaml');
  synth(config, dir);
  blueprintsSynth(dir);
  const rounds = Array.from({ length: RUNS }, () => ({
    example: synth(config, dir),
    uncached: synth(config, dir, NO_CACHE),
    blueprints: blueprintsSynth(dir),
  }));
  const ratios = (of: (r: (typeof rounds)[number]) => Sample) => ({
    wall: median(rounds.map((r) => of(r).wallSeconds / r.blueprints.wallSeconds)),
    cpu: median(rounds.map((r) => of(r).cpuSeconds / r.blueprints.cpuSeconds)),
  });
  const result = (name: string, samples: Sample[]): CaseResult => ({
    name,
    instances: 0,
    ...summarize(samples),
    samples,
  });
  return {
    example: result(
      'example',
      rounds.map((r) => r.example),
    ),
    uncached: result(
      'example, compile cache off',
      rounds.map((r) => r.uncached),
    ),
    blueprints: { ...summarize(rounds.map((r) => r.blueprints)), samples: rounds.map((r) => r.blueprints) },
    ratio: ratios((r) => r.example),
    uncachedRatio: ratios((r) => r.uncached),
  };
}

/** The example with an empty compile cache each run: what a first run pays, writing the cache included. */
function runFirstRuns(dir: string): CaseResult {
  const config = join(ROOT, 'examples', 'sandbox.yaml');
  const samples = Array.from({ length: RUNS }, (_, i) => {
    const cache = join(dir, `empty-cache-${i}`);
    const sample = synth(config, dir, { NODE_COMPILE_CACHE: cache });
    rmSync(cache, { recursive: true, force: true });
    return sample;
  });
  return { name: 'example, first run (empty compile cache)', instances: 0, ...summarize(samples), samples };
}

function ensureBlueprints(): void {
  if (existsSync(join(BLUEPRINTS, 'node_modules'))) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(npm, ['ci', '--prefix', BLUEPRINTS, '--no-audit', '--no-fund'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (install.status !== 0) throw new Error('npm ci --prefix bench/blueprints failed');
}

function main(): void {
  ensureBlueprints();
  const dir = mkdtempSync(join(tmpdir(), 'sandboxkit-bench-'));
  const exampleInstances = parse(readFileSync(join(ROOT, 'examples', 'sandbox.yaml'), 'utf8')).instances.length;
  const comparison = runComparison(dir);
  const exampleCases = [comparison.example, comparison.uncached, runFirstRuns(dir)].map((c) => ({
    ...c,
    instances: exampleInstances,
  }));
  const results: CaseResult[] = [...exampleCases];
  for (const n of SIZES) results.push(runCase(`${n} instance${n === 1 ? '' : 's'}`, n, generatedConfig(dir, n), dir));
  rmSync(dir, { recursive: true, force: true });

  const one = results.find((r) => r.name === '1 instance');
  const rows = results.map((r) => {
    const marginalMs =
      one && r.instances > 1 && !exampleCases.includes(r)
        ? ((r.medianWallSeconds - one.medianWallSeconds) * 1000) / (r.instances - 1)
        : undefined;
    return { ...r, marginalMs };
  });
  const largest = results[results.length - 1];
  const hundred = results.find((r) => r.instances === 100 && !exampleCases.includes(r));
  const growth = hundred && largest !== hundred ? largest.medianWallSeconds / hundred.medianWallSeconds : undefined;

  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  console.log(
    `whole-process synth, median of ${RUNS} runs after one warm-up (node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores)\n`,
  );
  console.log(line(['case', 'instances', 'wall (s)', 'cpu (s)', 'peak RSS (MiB)', 'per extra instance (ms)']));
  console.log(line(['---', '---:', '---:', '---:', '---:', '---:']));
  const row = (name: string, instances: string, s: Summary, marginal = '') =>
    console.log(
      line([
        name,
        instances,
        s.medianWallSeconds.toFixed(2),
        s.medianCpuSeconds.toFixed(2),
        s.maxRssMiB.toFixed(0),
        marginal,
      ]),
    );
  for (const r of rows) row(r.name, String(r.instances), r, r.marginalMs === undefined ? '' : r.marginalMs.toFixed(1));
  row('cdk-eks-blueprints, one EKS cluster', '', comparison.blueprints);
  const ratio = (r: { wall: number; cpu: number }) => `wall ${r.wall.toFixed(2)}x, cpu ${r.cpu.toFixed(2)}x`;
  console.log(
    `\nexample / blueprints cluster, median of ${RUNS} alternating rounds: ${ratio(comparison.ratio)}; compile cache off: ${ratio(comparison.uncachedRatio)}`,
  );
  if (growth !== undefined)
    console.log(
      `growth 100 -> ${largest.instances} instances: ${growth.toFixed(2)}x wall time for ${largest.instances / 100}x instances`,
    );
  console.log(
    `synthesis threads per case: ${results.map((r) => `${r.name} ${shardCount(r.instances, availableParallelism(), process.env.SANDBOXKIT_SYNTH_SHARDS)}`).join(', ')}`,
  );

  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, 'latest.json'),
    JSON.stringify(
      {
        runs: RUNS,
        node: process.version,
        cases: rows,
        blueprints: comparison.blueprints,
        exampleToBlueprints: comparison.ratio,
        uncachedExampleToBlueprints: comparison.uncachedRatio,
        growth,
      },
      null,
      2,
    ),
  );
  console.log(`written: bench/results/latest.json`);
}

main();
