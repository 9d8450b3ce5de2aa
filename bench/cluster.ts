import { spawn, spawnSync } from 'child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { stringify } from 'yaml';
import { allPodsReadyOnRealNode, onRealNode, REAL_NODE_BLOCKS, REAL_NODE_MOCKS } from './real-node';

/**
 * `npm run bench:cluster` (scripts/bench-cluster.sh sets up the cluster and chart mirror):
 * on a real API server, the wall time of `sandboxkit instance create` until every release is
 * ready, and of `instance destroy` until the namespace is gone, for one instance and for ten
 * created at once, with the peak memory of the largest process (the CLI, terraform or a provider);
 * where one create's time goes: init, plan, apply; and the CLI against plain Helm in alternating
 * pairs: the same releases with the same values, installed with `helm install --wait` into a
 * namespace of their own and removed with `helm uninstall --wait` and the namespace.
 * BENCH_CASES (default `one,concurrent,phases,real-node,pairs`) picks the cases.
 */
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 10);
const BLOCKS = (process.env.BENCH_BLOCKS ?? 'postgresql,valkey,keycloak').split(',');
const MOCKS = (process.env.BENCH_MOCKS ?? 'email,sms').split(',');
const CASES = new Set((process.env.BENCH_CASES ?? 'one,concurrent,phases,real-node,pairs').split(','));
/** The pair case: the releases of the issue's measurement, and how many alternating pairs. */
const PAIR_BLOCKS = ['valkey', 'postgresql'];
const PAIR_MOCKS = ['email'];
const PAIRS = Number(process.env.BENCH_PAIRS ?? 8);

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
const destroy = (name: string) => timed(cli('instance', 'destroy', name, '--yes'));

/** A condition of an object's status (or, for a route, of any parent's), read with kubectl. */
function conditionTrue(args: readonly string[], type: string): boolean {
  const r = spawnSync('kubectl', ['get', ...args, '-o', 'json'], { encoding: 'utf8' });
  if (r.status !== 0) return false;
  const objects = JSON.parse(r.stdout).items ?? [JSON.parse(r.stdout)];
  return (
    objects.length > 0 &&
    objects.every((o: any) =>
      [...(o.status?.conditions ?? []), ...(o.status?.parents ?? []).flatMap((p: any) => p.conditions ?? [])].some(
        (c: any) => c.type === type && c.status === 'True',
      ),
    )
  );
}

/**
 * Seconds from the start of `instance create` until Envoy Gateway (run by scripts/controllers) has accepted the
 * instance's ListenerSet and every HTTPRoute on it. The wildcard certificate's Ready is not measured: cert-manager
 * cannot be built here (docs/testing/controllers.md).
 */
async function createToRoutesAccepted(name: string): Promise<number> {
  const start = Date.now();
  await create(name);
  const deadline = Date.now() + 300_000;
  while (
    !conditionTrue(['listenersets', 'sandbox', '-n', name], 'Accepted') ||
    !conditionTrue(['httproutes', '-n', name], 'Accepted') ||
    !conditionTrue(['httproutes', '-n', name], 'ResolvedRefs')
  ) {
    if (Date.now() > deadline) fail(`Envoy Gateway did not accept the routes of ${name} within 300 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return (Date.now() - start) / 1000;
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
    const created = await timed(
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
    return { create: created, createSeconds, destroy: gone, destroySeconds: (Date.now() - start) / 1000 };
  });
}
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface HelmRelease {
  readonly name: string;
  /** `--repo` URL, or none for a chart archive. */
  readonly repository?: string;
  readonly chart: string;
  readonly version: string;
  readonly valuesFile: string;
  readonly timeoutSeconds: number;
  readonly dependsOn: readonly string[];
}

/**
 * The Helm releases of a synthesized instance stack with their values, in an order their `depends_on` allows:
 * what a user installing the same instance with Helm alone would install. Chart archives and values are copied
 * out, since the stack folder goes with the instance.
 */
function releasesOf(stackDir: string, into: string): HelmRelease[] {
  const stack = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as {
    resource: {
      helm_release: Record<
        string,
        {
          name: string;
          repository?: string;
          chart: string;
          version: string;
          values?: string[];
          timeout?: number;
          depends_on?: string[];
        }
      >;
    };
  };
  mkdirSync(into, { recursive: true });
  const byAddress = new Map(Object.entries(stack.resource.helm_release).map(([id, r]) => [`helm_release.${id}`, r]));
  const releases = [...byAddress.entries()].map(([, r]) => {
    const valuesFile = join(into, `${r.name}.values.yaml`);
    writeFileSync(valuesFile, r.values?.[0] ?? '{}');
    let chart = r.chart;
    if (!r.repository) {
      chart = join(into, `${r.name}.tgz`);
      copyFileSync(join(stackDir, r.chart), chart);
    }
    return {
      name: r.name,
      repository: r.repository,
      chart,
      version: r.version,
      valuesFile,
      timeoutSeconds: r.timeout ?? 300,
      dependsOn: (r.depends_on ?? []).filter((d) => byAddress.has(d)).map((d) => byAddress.get(d)!.name),
    };
  });
  const ordered: HelmRelease[] = [];
  while (ordered.length < releases.length) {
    const next = releases.find(
      (r) => !ordered.includes(r) && r.dependsOn.every((d) => ordered.some((o) => o.name === d)),
    );
    if (!next) fail("the stack's releases depend on each other in a cycle");
    ordered.push(next);
  }
  return ordered;
}

/** A shell script that installs the releases as plain Helm would, each waiting until it is ready. */
function helmCreate(namespace: string, releases: readonly HelmRelease[]): string[] {
  const installs = releases.map(
    (r) =>
      `helm install ${r.name} ${r.chart} --namespace ${namespace} --version ${r.version}${r.repository ? ` --repo ${r.repository}` : ''} -f ${r.valuesFile} --wait --timeout ${r.timeoutSeconds}s >/dev/null`,
  );
  return ['sh', '-c', [`kubectl create namespace ${namespace} >/dev/null`, ...installs].join(' && ')];
}

function helmDestroy(namespace: string, releases: readonly HelmRelease[]): string[] {
  return [
    'sh',
    '-c',
    `helm uninstall ${[...releases]
      .reverse()
      .map((r) => r.name)
      .join(
        ' ',
      )} --namespace ${namespace} --wait >/dev/null && kubectl delete namespace ${namespace} --wait >/dev/null`,
  ];
}

interface Pair {
  readonly cli: { readonly create: Sample; readonly destroy: Sample };
  readonly helm: { readonly create: Sample; readonly destroy: Sample };
}

/**
 * The CLI against plain Helm, PAIRS times, alternating which goes first, so that both see the same machine.
 * The CLI runs as `node dist/cli/main.js`, without a launcher in front of it.
 */
async function runPairs(): Promise<Pair[]> {
  const cliCreate = (name: string) =>
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
        PAIR_BLOCKS.join(','),
        '--mocks',
        PAIR_MOCKS.join(','),
        '--ttl',
        '2h',
      ),
    );
  const cliDestroy = (name: string) => timed(cli('instance', 'destroy', name, '--yes'));
  // The first CLI create, not counted, gives the releases and values plain Helm installs.
  await cliCreate('pair-warm');
  const releases = releasesOf(join(outdir, 'stacks', 'instance-pair-warm'), join(work, 'pair-helm'));
  await cliDestroy('pair-warm');
  const pairs: Pair[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const viaCli = async () => ({
      create: await cliCreate(`pair-cli-${i}`),
      destroy: await cliDestroy(`pair-cli-${i}`),
    });
    const viaHelm = async () => ({
      create: await timed(helmCreate(`pair-helm-${i}`, releases)),
      destroy: await timed(helmDestroy(`pair-helm-${i}`, releases)),
    });
    if (i % 2 === 0) {
      const c = await viaCli();
      pairs.push({ cli: c, helm: await viaHelm() });
    } else {
      const h = await viaHelm();
      pairs.push({ cli: await viaCli(), helm: h });
    }
  }
  return pairs;
}

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
  for (let i = 0; CASES.has('one') && i < RUNS; i++) {
    const c = await create(`bench-one-${i}`);
    const d = await destroy(`bench-one-${i}`);
    one.push({ create: c, destroy: d });
  }
  const routed: number[] = [];
  for (let i = 0; CASES.has('one') && BLOCKS.includes('keycloak') && i < RUNS; i++) {
    routed.push(await createToRoutesAccepted(`bench-routes-${i}`));
    await destroy(`bench-routes-${i}`);
  }

  let concurrent: { createSeconds: number; destroySeconds: number; creates: Sample[]; destroys: Sample[] } | undefined;
  if (CASES.has('concurrent')) {
    const names = Array.from({ length: CONCURRENT }, (_, i) => `bench-many-${i}`);
    let start = Date.now();
    const creates = await Promise.all(names.map(create));
    const createSeconds = (Date.now() - start) / 1000;
    start = Date.now();
    const destroys = await Promise.all(names.map(destroy));
    concurrent = { createSeconds, destroySeconds: (Date.now() - start) / 1000, creates, destroys };
  }

  // Where one create's time goes, stage by stage, on a stack the CLI did not touch.
  let phases: { init: Sample; plan: Sample; apply: Sample } | undefined;
  if (CASES.has('phases')) {
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
    phases = { init, plan, apply };
  }

  const realNode = CASES.has('real-node') ? await realNodeRun() : undefined;
  const pairs = CASES.has('pairs') ? await runPairs() : [];
  const startup = await timed(['node', CLI, '--version']);
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
      '`node dist/cli/main.js --version` (start-up, no launcher)',
      startup.wallSeconds.toFixed(2),
      startup.peakMiB.toFixed(0),
    ]),
  );
  if (one.length) {
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
  }
  if (routed.length)
    console.log(
      row([`1 instance: create → ListenerSet and routes Accepted (median of ${RUNS})`, median(routed).toFixed(1), '-']),
    );
  if (realNode) {
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
  }
  if (concurrent) {
    console.log(
      row([
        `${CONCURRENT} instances at once: create → all ready`,
        concurrent.createSeconds.toFixed(1),
        Math.max(...concurrent.creates.map((c) => c.peakMiB)).toFixed(0),
      ]),
    );
    console.log(
      row([
        `${CONCURRENT} instances at once: destroy → all gone`,
        concurrent.destroySeconds.toFixed(1),
        Math.max(...concurrent.destroys.map((c) => c.peakMiB)).toFixed(0),
      ]),
    );
  }
  if (phases) {
    console.log(
      row(['one create, stage: terraform init', phases.init.wallSeconds.toFixed(1), phases.init.peakMiB.toFixed(0)]),
    );
    console.log(
      row(['one create, stage: terraform plan', phases.plan.wallSeconds.toFixed(1), phases.plan.peakMiB.toFixed(0)]),
    );
    console.log(
      row([
        'one create, stage: terraform apply (Helm waits)',
        phases.apply.wallSeconds.toFixed(1),
        phases.apply.peakMiB.toFixed(0),
      ]),
    );
  }
  let ratios: { create: number; destroy: number } | undefined;
  if (pairs.length) {
    ratios = {
      create: median(pairs.map((p) => p.cli.create.wallSeconds / p.helm.create.wallSeconds)),
      destroy: median(pairs.map((p) => p.cli.destroy.wallSeconds / p.helm.destroy.wallSeconds)),
    };
    const m = (f: (p: Pair) => number) => median(pairs.map(f)).toFixed(1);
    console.log(
      `\nthe CLI against plain Helm: ${PAIR_BLOCKS.join(', ')} and the ${PAIR_MOCKS.join(', ')} mock, ${pairs.length} alternating pairs (medians)\n`,
    );
    console.log(row(['', 'sandboxkit (s)', 'helm --wait (s)', 'ratio (median of the pairs)']));
    console.log(row(['---', '---:', '---:', '---:']));
    console.log(
      row([
        'create → ready',
        m((p) => p.cli.create.wallSeconds),
        m((p) => p.helm.create.wallSeconds),
        `${ratios.create.toFixed(2)}x`,
      ]),
    );
    console.log(
      row([
        'destroy → namespace gone',
        m((p) => p.cli.destroy.wallSeconds),
        m((p) => p.helm.destroy.wallSeconds),
        `${ratios.destroy.toFixed(2)}x`,
      ]),
    );
  }

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
        startup,
        one,
        createToRoutesAcceptedSeconds: routed,
        concurrent: concurrent && { count: CONCURRENT, ...concurrent },
        phases,
        realNode,
        pairs: { blocks: PAIR_BLOCKS, mocks: PAIR_MOCKS, runs: pairs, ratios },
      },
      null,
      2,
    ),
  );
  console.log('\nwritten: bench/results/cluster.json');
}

main().catch((err) => {
  process.stderr.write(`bench:cluster: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
