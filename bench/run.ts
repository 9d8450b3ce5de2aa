import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse, stringify } from 'yaml';

/**
 * `npm run bench`: wall time and peak memory of a full synth of the compiled
 * app, for the example config and for generated configs of 1, 10, 100 and 500
 * instances spread over the example's clusters. Prints a table, writes JSON.
 */
const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const MEASURE = join(__dirname, 'measure.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = [1, 10, 100, 500];
const BLOCK_MIXES = [['postgresql', 'redis'], ['postgresql', 'keycloak'], ['minio'], ['postgresql', 'redis', 'payments']];
const MOCK_MIXES = [['email'], ['email', 'sms'], [], ['payment', 'sms']];

interface Sample {
  readonly wallSeconds: number;
  readonly maxRssMiB: number;
}

interface CaseResult {
  readonly name: string;
  readonly instances: number;
  readonly medianWallSeconds: number;
  readonly maxRssMiB: number;
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

function measure(config: string, dir: string): Sample {
  const out = join(dir, 'cdktf.out');
  const report = join(dir, 'report.json');
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--require', MEASURE, MAIN, '--config', config], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: out, BENCH_REPORT: report },
    encoding: 'utf8',
  });
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`synth of ${config} failed:\n${run.stderr}`);
  const { maxRssKiB } = JSON.parse(readFileSync(report, 'utf8')) as { maxRssKiB: number };
  rmSync(out, { recursive: true, force: true });
  return { wallSeconds, maxRssMiB: maxRssKiB / 1024 };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function runCase(name: string, instances: number, config: string, dir: string): CaseResult {
  measure(config, dir); // warm-up: file cache, not counted
  const samples = Array.from({ length: RUNS }, () => measure(config, dir));
  return {
    name,
    instances,
    medianWallSeconds: median(samples.map((s) => s.wallSeconds)),
    maxRssMiB: Math.max(...samples.map((s) => s.maxRssMiB)),
    samples,
  };
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'sandboxkit-bench-'));
  const example = parse(readFileSync(join(ROOT, 'examples', 'sandbox.yaml'), 'utf8'));
  const results: CaseResult[] = [runCase('example', example.instances.length, join(ROOT, 'examples', 'sandbox.yaml'), dir)];
  for (const n of SIZES) results.push(runCase(`${n} instance${n === 1 ? '' : 's'}`, n, generatedConfig(dir, n), dir));
  rmSync(dir, { recursive: true, force: true });

  const one = results.find((r) => r.name === '1 instance')!;
  const rows = results.map((r) => {
    const marginalMs = r.instances > 1 && r.name !== 'example' ? ((r.medianWallSeconds - one.medianWallSeconds) * 1000) / (r.instances - 1) : undefined;
    return { ...r, marginalMs };
  });
  const largest = results[results.length - 1];
  const hundred = results.find((r) => r.name === '100 instances')!;
  const growth = largest.medianWallSeconds / hundred.medianWallSeconds;

  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  console.log(`synth of the compiled app, median of ${RUNS} runs after one warm-up (node ${process.version}, ${process.platform}/${process.arch})\n`);
  console.log(line(['case', 'instances', 'wall (s)', 'peak RSS (MiB)', 'per extra instance (ms)']));
  console.log(line(['---', '---:', '---:', '---:', '---:']));
  for (const r of rows) {
    console.log(line([r.name, String(r.instances), r.medianWallSeconds.toFixed(2), r.maxRssMiB.toFixed(0), r.marginalMs === undefined ? '' : r.marginalMs.toFixed(1)]));
  }
  console.log(`\ngrowth 100 -> 500 instances: ${growth.toFixed(2)}x wall time for 5x instances (linear is 5x or less)`);

  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify({ runs: RUNS, node: process.version, cases: rows, growth100to500: growth }, null, 2));
  console.log(`written: bench/results/latest.json`);
}

main();
