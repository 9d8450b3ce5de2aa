import { spawn, spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { stringify } from 'yaml';
import { allPodsReadyOnRealNode, onRealNode, REAL_NODE_BLOCKS, REAL_NODE_MOCKS } from './real-node';

/**
 * `npm run bench:cluster` (scripts/bench-cluster.sh sets up the cluster and chart mirror):
 * on a real API server, the wall time of `sandboxkit instance create` until every release is
 * ready, and of `instance destroy` until the namespace is gone, for one instance and for ten
 * created at once, with the peak memory of the largest process (the CLI, terraform or a provider);
 * then where one create's time goes: init, plan, apply.
 */
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 10);
const BLOCKS = (process.env.BENCH_BLOCKS ?? 'postgresql,valkey,keycloak').split(',');
const MOCKS = (process.env.BENCH_MOCKS ?? 'email,sms').split(',');

interface Sample {
  readonly wallSeconds: number;
  readonly peakMiB: number;
}

const work = mkdtempSync(join(tmpdir(), 'sandboxkit-bench-cluster-'));
const config = join(work, 'sandbox.yaml');
const outdir = join(work, 'cdktf.out');

function fail(message: string): never {
  throw new Error(message);
}

/** Runs a command under GNU time: wall seconds and the peak RSS of the largest process of its tree. */
function timed(args: readonly string[], cwd = work): Promise<Sample> {
  const report = join(work, `time-${process.hrtime.bigint()}.txt`);
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-o', report, '-f', '%e %M', ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}:\n${output.slice(-3000)}`));
      const [wall, kib] = spawnSync('cat', [report], { encoding: 'utf8' }).stdout.trim().split(' ').map(Number);
      resolve({ wallSeconds: wall, peakMiB: kib / 1024 });
    });
  });
}

const cli = (...args: string[]) => ['node', CLI, ...args, '--config', config, '--out', outdir];
const create = (name: string) =>
  timed(
    cli(
      'instance',
      'create',
      name,
      '--cluster',
      'bench',
      '--owner',
      `${name}@example.org`,
      '--blocks',
      BLOCKS.join(','),
      '--mocks',
      MOCKS.join(','),
      '--ttl',
      '2h',
    ),
  );
const destroy = (name: string) => timed(cli('instance', 'destroy', name));
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const mirror =
    process.env.SANDBOXKIT_CHART_MIRROR_URL ??
    fail('run through `npm run bench:cluster`: SANDBOXKIT_CHART_MIRROR_URL is not set');
  const base = {
    state: { backend: 'local', directory: 'state' },
    clusters: [
      {
        name: 'bench',
        cloud: 'existing',
        connection: { kind: 'kubeconfig', path: process.env.KUBECONFIG },
        storageClasses: { blockRwo: 'standard' },
        platform: { chartMirror: mirror },
      },
    ],
  };
  writeFileSync(config, stringify(base));
  const synth = spawnSync('node', [join(ROOT, 'dist', 'main.js'), '--config', config], {
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
  if (synth.status !== 0) fail(`synth failed:\n${synth.stderr}`);
  const platformDir = join(outdir, 'stacks', 'platform-bench');
  await timed(['terraform', 'init', '-input=false'], platformDir);
  const platform = await timed(['terraform', 'apply', '-auto-approve', '-input=false'], platformDir);

  const one: { create: Sample; destroy: Sample }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c = await create(`bench-one-${i}`);
    const d = await destroy(`bench-one-${i}`);
    one.push({ create: c, destroy: d });
  }

  const names = Array.from({ length: CONCURRENT }, (_, i) => `bench-many-${i}`);
  let start = Date.now();
  const creates = await Promise.all(names.map(create));
  const manyCreate = (Date.now() - start) / 1000;
  start = Date.now();
  const destroys = await Promise.all(names.map(destroy));
  const manyDestroy = (Date.now() - start) / 1000;

  // Where one create's time goes, stage by stage, on a stack the CLI did not touch.
  const phasesConfig = join(work, 'phases.yaml');
  writeFileSync(
    phasesConfig,
    stringify({
      ...base,
      instances: [
        {
          name: 'bench-phases',
          cluster: 'bench',
          owner: 'phases@example.org',
          ttlHours: 2,
          blocks: BLOCKS,
          mocks: MOCKS,
        },
      ],
    }),
  );
  const phasesOut = join(work, 'phases.out');
  spawnSync('node', [join(ROOT, 'dist', 'main.js'), '--config', phasesConfig], {
    env: { ...process.env, CDKTF_OUTDIR: phasesOut },
  });
  const phaseDir = join(phasesOut, 'stacks', 'instance-bench-phases');
  const init = await timed(['terraform', 'init', '-input=false'], phaseDir);
  const plan = await timed(['terraform', 'plan', '-input=false', '-out=plan.bin'], phaseDir);
  const apply = await timed(['terraform', 'apply', '-input=false', 'plan.bin'], phaseDir);
  await timed(['terraform', 'destroy', '-auto-approve', '-input=false'], phaseDir);
  const realNode = await realNodeRun();
  await timed(['terraform', 'destroy', '-auto-approve', '-input=false'], platformDir);

  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  console.log(
    `sandboxkit on a real API server (${process.env.SANDBOXKIT_TEST_CLUSTER}); blocks ${BLOCKS.join(', ')}, mocks ${MOCKS.join(', ')}\n`,
  );
  console.log(row(['case', 'wall (s)', 'peak RSS of the largest process (MiB)']));
  console.log(row(['---', '---:', '---:']));
  console.log(row(['platform apply (once)', platform.wallSeconds.toFixed(1), platform.peakMiB.toFixed(0)]));
  console.log(
    row([
      `1 instance: create → ready (median of ${RUNS})`,
      median(one.map((o) => o.create.wallSeconds)).toFixed(1),
      Math.max(...one.map((o) => o.create.peakMiB)).toFixed(0),
    ]),
  );
  console.log(
    row([
      `1 instance: destroy → namespace gone (median of ${RUNS})`,
      median(one.map((o) => o.destroy.wallSeconds)).toFixed(1),
      Math.max(...one.map((o) => o.destroy.peakMiB)).toFixed(0),
    ]),
  );
  console.log(
    row([
      `${CONCURRENT} instances at once: create → all ready`,
      manyCreate.toFixed(1),
      Math.max(...creates.map((c) => c.peakMiB)).toFixed(0),
    ]),
  );
  console.log(
    row([
      `${CONCURRENT} instances at once: destroy → all gone`,
      manyDestroy.toFixed(1),
      Math.max(...destroys.map((c) => c.peakMiB)).toFixed(0),
    ]),
  );
  console.log(
    row([
      `real node (${REAL_NODE_BLOCKS.join(', ')}; mocks ${REAL_NODE_MOCKS.join(', ')}): create → every pod Ready`,
      realNode.createSeconds.toFixed(1),
      realNode.create.peakMiB.toFixed(0),
    ]),
  );
  console.log(
    row([
      'real node: destroy → namespace gone',
      realNode.destroySeconds.toFixed(1),
      realNode.destroy.peakMiB.toFixed(0),
    ]),
  );
  console.log(row(['one create, stage: terraform init', init.wallSeconds.toFixed(1), init.peakMiB.toFixed(0)]));
  console.log(row(['one create, stage: terraform plan', plan.wallSeconds.toFixed(1), plan.peakMiB.toFixed(0)]));
  console.log(
    row(['one create, stage: terraform apply (Helm waits)', apply.wallSeconds.toFixed(1), apply.peakMiB.toFixed(0)]),
  );

  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, 'cluster.json'),
    JSON.stringify(
      {
        cluster: process.env.SANDBOXKIT_TEST_CLUSTER,
        blocks: BLOCKS,
        mocks: MOCKS,
        platform,
        one,
        concurrent: { count: CONCURRENT, createSeconds: manyCreate, destroySeconds: manyDestroy, creates, destroys },
        phases: { init, plan, apply },
        realNode,
      },
      null,
      2,
    ),
  );
  console.log('\nwritten: bench/results/cluster.json');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One instance whose pods run in containers on the real node (scripts/node): from `instance create` until every pod
 * is Ready there, and from `instance destroy` until the namespace is gone.
 */
async function realNodeRun() {
  return onRealNode(async () => {
    const name = 'bench-real';
    let start = Date.now();
    const create = await timed(
      cli('instance', 'create', name, '--cluster', 'bench', '--owner', `${name}@example.org`, '--ttl', '2h').concat([
        '--blocks',
        REAL_NODE_BLOCKS.join(','),
        '--mocks',
        REAL_NODE_MOCKS.join(','),
      ]),
    );
    for (let i = 0; i < 600 && !allPodsReadyOnRealNode(name); i++) await sleep(1000);
    if (!allPodsReadyOnRealNode(name)) fail(`the pods of ${name} did not all become Ready on the real node`);
    const createSeconds = (Date.now() - start) / 1000;
    start = Date.now();
    const gone = await destroy(name);
    for (let i = 0; i < 600 && spawnSync('kubectl', ['get', 'namespace', name]).status === 0; i++) await sleep(1000);
    return { create, createSeconds, destroy: gone, destroySeconds: (Date.now() - start) / 1000 };
  });
}

main().catch((err) => {
  process.stderr.write(`bench:cluster: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
