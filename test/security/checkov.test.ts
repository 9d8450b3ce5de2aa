import { execFile } from 'child_process';
import { createHash } from 'crypto';
import { mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import { loadConfig } from '../../config/load';
import { synthesize } from '../../synth/synthesize';
import { CHART_NAMES, chartScenarios, renderChart } from '../charts/render';
import { tempDir } from '../fixtures';
import { requireTool } from '../tools';
import { treeDigest } from '../tree-digest';
import { SKIPS, activeOptions, terraformSkips } from './checkov-skips';

const ROOT = join(__dirname, '..', '..');
const checkov = requireTool('checkov');

interface Finding {
  readonly check_id: string;
  readonly resource: string;
  readonly file_path: string;
}

/** A failed or passed check, as checkov reports it. */
type Result = Finding;

interface Scan {
  readonly passed: Result[];
  readonly failed: Result[];
  /** Checks that raised instead of reporting: `<check id> <file>:<resource>`, from checkov's log. */
  readonly crashed: string[];
}

/** The checks checkov logs it failed to run ("Failed to run check CKV_X on /file:resource" and its traceback). */
export function crashedChecks(log: string): string[] {
  return [...log.matchAll(/Failed to run check (\S+) on (\S+)/g)].map((m) => `${m[1]} ${m[2]}`);
}

/** Everything but the folder: both frameworks, no download, JSON out, findings reported rather than failing. */
const OPTIONS = [
  '--framework',
  'terraform_json',
  'kubernetes',
  '--skip-download',
  '--compact',
  '-o',
  'json',
  '--soft-fail',
];

/** One checkov run over `dir`. */
function runCheckov(dir: string): Promise<Scan> {
  const args = ['-d', dir, ...OPTIONS];
  return new Promise<Scan>((resolve, reject) =>
    execFile(checkov, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${checkov} ${args.join(' ')} failed:\n${stdout}${stderr || err.message}`));
      const out = JSON.parse(stdout);
      const reports = (Array.isArray(out) ? out : [out]) as {
        results?: { passed_checks?: Result[]; failed_checks?: Result[] };
      }[];
      resolve({
        passed: reports.flatMap((r) => r.results?.passed_checks ?? []),
        failed: reports.flatMap((r) => r.results?.failed_checks ?? []),
        crashed: crashedChecks(stderr),
      });
    }),
  );
}

/*
 * A scan is kept between runs under node_modules/.cache, keyed by the checkov installation, its options and every
 * byte scanned: a warm run whose stacks and charts render the same reads it instead of starting checkov (a third of
 * a warm `npm test`'s CPU).
 */
const STORE = join(ROOT, 'node_modules', '.cache', 'sandboxkit', 'checkov');

/**
 * Checkov over every example's stacks and the rendered charts (both frameworks), run once: its start-up is most of
 * a scan's cost. Nothing is skipped on the command line; each test leaves out the checks its own skip list names,
 * for its own files only.
 */
function scan(dir: string): Promise<Scan> {
  const binary = realpathSync(checkov);
  const key = createHash('sha256')
    .update([binary, statSync(binary).mtimeMs, OPTIONS.join(' '), treeDigest(dir)].join('\0'))
    .digest('hex');
  const file = join(STORE, `${key}.json`);
  let result: Promise<Scan>;
  try {
    result = Promise.resolve(JSON.parse(readFileSync(file, 'utf8')) as Scan);
  } catch {
    result = runCheckov(dir).then((found) => {
      mkdirSync(STORE, { recursive: true });
      writeFileSync(file, JSON.stringify(found));
      return found;
    });
  }
  result.catch(() => undefined); // awaited by its tests; this only keeps an early failure from being reported as unhandled
  return result;
}

const EXAMPLES = [
  'sandbox.yaml',
  'everything.yaml',
  'ebury.yaml',
  'digit.yaml',
  'dss.yaml',
  'govstack.yaml',
  'lambdastack.yaml',
];
/** Fewer passed checks than this means the scan missed files: examples on existing clusters have few resources. */
const MIN_PASSED: Readonly<Record<string, number>> = { 'ebury.yaml': 200, 'govstack.yaml': 40, 'lambdastack.yaml': 20 };
const skipsOf = new Map<string, ReadonlySet<string>>();
let scanned: Promise<Scan>;
/** The scan shares the machine with other suites. */
const SCAN_TIMEOUT_MS = 300_000;

const describeFinding = (f: Finding) => `${f.check_id} ${f.resource} (${f.file_path})`;

/** What checkov found in one part of the scan (`/<part>/...`), less the checks that part skips. */
async function part(name: string): Promise<{ passed: number; failed: Result[] }> {
  const { passed, failed } = await scanned;
  const skips = skipsOf.get(name)!;
  const mine = (r: Result) => r.file_path.startsWith(`/${name}/`) && !skips.has(r.check_id);
  return { passed: passed.filter(mine).length, failed: failed.filter(mine) };
}

describe('checkov', () => {
  beforeAll(() => {
    const root = tempDir('checkov-');
    for (const file of EXAMPLES) {
      const config = loadConfig(join(ROOT, 'examples', file));
      const out = join(tempDir('checkov-synth-'), 'cdktf.out');
      synthesize(config, out);
      renameSync(join(out, 'stacks'), join(root, file));
      skipsOf.set(file, new Set(terraformSkips(config)));
    }
    const charts = join(root, 'charts');
    mkdirSync(charts);
    for (const chart of CHART_NAMES) {
      for (const s of chartScenarios(chart))
        writeFileSync(join(charts, `${chart}-${s.name.replace(/\./g, '-')}.yaml`), renderChart(chart, s.file));
    }
    skipsOf.set('charts', new Set(SKIPS.kubernetes.map((s) => s.id)));
    scanned = scan(root);
  });

  it('has a reason for every skipped check', () => {
    for (const skip of [...SKIPS.terraform, ...SKIPS.crashes, ...SKIPS.options, ...SKIPS.kubernetes]) {
      expect({ id: skip.id, reason: skip.reason?.length > 40 }).toEqual({ id: skip.id, reason: true });
    }
    for (const skip of SKIPS.options) {
      expect([
        'aws-public-endpoint',
        'azure-public-api',
        'gcp-autopilot',
        'state-bootstrap',
        'instance-object-storage',
        'azure-instance-storage',
        'gcp-instance-bucket',
        'instance-managed-database',
      ]).toContain(skip.option);
    }
  });

  it.each(EXAMPLES)(
    'finds nothing in the Terraform of examples/%s',
    async (file) => {
      const { passed, failed } = await part(file);
      expect(failed.map(describeFinding)).toEqual([]);
      expect(passed).toBeGreaterThan(MIN_PASSED[file] ?? 300);
    },
    SCAN_TIMEOUT_MS,
  );

  it(
    'runs every check: none crashes but the listed ones, and each listed one still crashes',
    async () => {
      const { crashed } = await scanned;
      const known = new Set(SKIPS.crashes.map((c) => c.id));
      expect(crashed.filter((c) => !known.has(c.split(' ')[0]))).toEqual([]);
      expect([...new Set(crashed.map((c) => c.split(' ')[0]))].sort()).toEqual([...known].sort());
    },
    SCAN_TIMEOUT_MS,
  );

  it("reads a crash from checkov's log", () => {
    const log = `2026-12-07 03:13:25,224 [MainThread  ] [ERROR]  Failed to run check CKV_GCP_54 on /instance-sso/cdk.tf.json:google_sql_database_instance.ManagedDatabase_Server_2977F435
Traceback (most recent call last):
TypeError: 'int' object is not subscriptable`;
    expect(crashedChecks(log)).toEqual([
      'CKV_GCP_54 /instance-sso/cdk.tf.json:google_sql_database_instance.ManagedDatabase_Server_2977F435',
    ]);
  });

  it('applies option skips only where the option is on', () => {
    expect([...activeOptions(loadConfig(join(ROOT, 'examples', 'sandbox.yaml')))]).toEqual([]);
    expect([...activeOptions(loadConfig(join(ROOT, 'examples', 'everything.yaml')))].sort()).toEqual([
      'aws-public-endpoint',
      'azure-instance-storage',
      'azure-public-api',
      'gcp-autopilot',
      'gcp-instance-bucket',
      'instance-managed-database',
      'state-bootstrap',
    ]);
    expect([...activeOptions(loadConfig(join(ROOT, 'examples', 'ebury.yaml')))]).toEqual(
      expect.arrayContaining(['instance-object-storage', 'instance-managed-database']),
    );
  });

  it(
    'finds nothing in any rendered chart, with default and ci values',
    async () => {
      const { passed, failed } = await part('charts');
      expect(failed.map(describeFinding)).toEqual([]);
      expect(passed).toBeGreaterThan(1000);
    },
    SCAN_TIMEOUT_MS,
  );
});
