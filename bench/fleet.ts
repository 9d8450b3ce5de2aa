import { spawnSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { availableParallelism, tmpdir } from 'os';
import { join } from 'path';
import { stringify } from 'yaml';

/**
 * The command line over a fleet (part of `npm run bench`): `instance list`, `get` and `gc --dry-run` over 500
 * instance records in a local state backend, and what `instance create` and `extend` cost on top of Terraform with
 * 1 record and with 500, to show that it does not grow with the fleet. Terraform, kubectl and Helm are stand-ins
 * that answer at once (bench/fleet-tools.ts); kubectl answers the fleet's 500 namespaces, so `list` reads and
 * reconciles as many as it would on a cluster. Whole-process wall time, median of FLEET_RUNS runs.
 */
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const TOOLS = join(__dirname, 'fleet-tools.js');
const RUNS = Number(process.env.FLEET_RUNS ?? 5);
const FLEET = Number(process.env.FLEET_SIZE ?? 500);

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Fleet {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
}

/** A project with `size` instance records, each with its namespace in the stand-in cluster. */
function fleet(size: number): Fleet {
  const dir = mkdtempSync(join(tmpdir(), `sandboxkit-fleet-${size}-`));
  const state = join(dir, 'state');
  mkdirSync(state);
  writeFileSync(join(dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\n');
  writeFileSync(
    join(dir, 'sandbox.yaml'),
    stringify({
      state: { backend: 'local', directory: 'state' },
      clusters: [
        {
          name: 'fleet',
          cloud: 'existing',
          connection: { kind: 'kubeconfig', path: './kubeconfig' },
          storageClasses: { blockRwo: 'standard' },
        },
      ],
    }),
  );
  const namespaces = [];
  for (let i = 0; i < size; i++) {
    const name = `fleet-${i}`;
    const expiresAt = i % 10 === 0 ? '2026-01-01T00:00:00Z' : '2099-01-01T00:00:00Z';
    writeFileSync(
      join(state, `instance-${name}.sandboxkit.json`),
      JSON.stringify({
        kind: 'sandboxkit-instance',
        version: 2,
        spec: {
          name,
          cluster: 'fleet',
          owner: `user${i}@example.org`,
          ttlHours: 24,
          blocks: ['postgresql', 'valkey'],
          mocks: ['email'],
        },
        origin: 'cli',
        status: { phase: 'ready', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', expiresAt },
        history: [{ at: '2026-01-01T00:00:00Z', by: `user${i}@example.org`, action: 'create', outcome: 'succeeded' }],
      }),
    );
    namespaces.push({
      kind: 'Namespace',
      metadata: {
        name,
        labels: {
          'sandbox.dev/instance': name,
          'sandbox.dev/cluster': 'fleet',
          'app.kubernetes.io/managed-by': 'sandboxkit',
        },
        annotations: { 'sandbox.dev/expires-at': expiresAt, 'sandbox.dev/owner': `user${i}@example.org` },
      },
      status: { phase: 'Active' },
    });
  }
  writeFileSync(join(dir, 'namespaces.json'), JSON.stringify(namespaces));
  const env: NodeJS.ProcessEnv = { ...process.env, FLEET_NAMESPACES: join(dir, 'namespaces.json'), USER: 'bench' };
  for (const tool of ['terraform', 'kubectl', 'helm']) {
    const path = join(dir, `fleet-${tool}`);
    writeFileSync(path, `#!/bin/sh\nexec node ${TOOLS} ${tool} "$@"\n`);
    chmodSync(path, 0o755);
    env[`SANDBOXKIT_${tool.toUpperCase()}`] = path;
  }
  env.SANDBOXKIT_GIT = '/bin/false';
  return { dir, env };
}

/** Median wall seconds of running the CLI with `args` in the fleet's folder; `fresh` runs before each (not timed). */
function time(f: Fleet, args: readonly string[], fresh?: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    fresh?.();
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: f.dir, env: f.env, encoding: 'utf8' });
    samples.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (r.status !== 0) throw new Error(`sandboxkit ${args.join(' ')} failed:\n${r.stderr}`);
  }
  return median(samples);
}

/** Wall seconds of starting a stand-in tool, which the create and extend rows include once per tool call. */
function toolStart(f: Fleet): number {
  const start = process.hrtime.bigint();
  spawnSync(f.env.SANDBOXKIT_KUBECTL!, ['get', '--raw', '/version'], { env: f.env });
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function main(): void {
  const small = fleet(1);
  const large = fleet(FLEET);
  try {
    const rows: { case: string; one: number; many: number }[] = [];
    const both = (name: string, args: (f: Fleet) => string[], fresh?: (f: Fleet) => void) =>
      rows.push({
        case: name,
        one: time(small, args(small), fresh && (() => fresh(small))),
        many: time(large, args(large), fresh && (() => fresh(large))),
      });
    both('instance list -o json (records and namespaces reconciled)', () => ['instance', 'list', '-o', 'json']);
    both('instance list --offline', () => ['instance', 'list', '--offline']);
    both('instance get fleet-0 -o yaml', () => ['instance', 'get', 'fleet-0', '-o', 'yaml']);
    both('gc --dry-run', () => ['gc', '--dry-run']);
    both(
      'instance create (terraform a stand-in)',
      () => ['instance', 'create', 'bench-new', '--blocks', 'valkey', '--ttl', '2h'],
      (f) => {
        rmSync(join(f.dir, 'state', 'instance-bench-new.sandboxkit.json'), { force: true });
        rmSync(join(f.dir, 'cdktf.out', 'stacks', 'instance-bench-new'), { recursive: true, force: true });
      },
    );
    both('instance extend fleet-0 (terraform a stand-in)', () => ['instance', 'extend', 'fleet-0', '--ttl', '8h']);
    const tool = toolStart(large);
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    console.log(
      `\nthe command line over a fleet: whole process, median of ${RUNS} runs (node ${process.version}, ${availableParallelism()} cores); tools are stand-ins that answer at once (one start: ${tool.toFixed(2)} s)\n`,
    );
    console.log(line(['case', '1 record (s)', `${FLEET} records (s)`, 'growth']));
    console.log(line(['---', '---:', '---:', '---:']));
    for (const r of rows)
      console.log(line([r.case, r.one.toFixed(2), r.many.toFixed(2), `${(r.many / r.one).toFixed(2)}x`]));
    const resultsDir = join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      join(resultsDir, 'fleet.json'),
      JSON.stringify({ runs: RUNS, fleet: FLEET, toolStartSeconds: tool, rows }, null, 2),
    );
    console.log('written: bench/results/fleet.json');
  } finally {
    rmSync(small.dir, { recursive: true, force: true });
    rmSync(large.dir, { recursive: true, force: true });
  }
}

main();
