import { execFile } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { loadConfig } from '../../config/load';
import { synthesize } from '../../stacks/synthesize';
import { CHART_NAMES, chartScenarios, renderChart } from '../charts/render';
import { tempDir } from '../fixtures';
import { requireTool } from '../tools';
import { SKIPS, activeOptions, terraformSkips } from './checkov-skips';

const ROOT = join(__dirname, '..', '..');
const checkov = requireTool('checkov');

interface Finding {
  readonly check_id: string;
  readonly resource: string;
  readonly file_path: string;
}

interface Scan {
  readonly passed: number;
  readonly failed: Finding[];
}

/** Runs checkov and returns its failed checks; `--skip-download` keeps it offline. Scans run side by side. */
function scan(dir: string, framework: 'terraform_json' | 'kubernetes', skips: readonly string[]): Promise<Scan> {
  const args = ['-d', dir, '--framework', framework, '--skip-download', '--compact', '--quiet', '-o', 'json', '--soft-fail'];
  const all = skips.length ? [...args, '--skip-check', skips.join(',')] : args;
  const result = new Promise<Scan>((resolve, reject) =>
    execFile(checkov, all, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${checkov} ${all.join(' ')} failed:\n${stdout}${stderr || err.message}`));
      const out = JSON.parse(stdout);
      const report = Array.isArray(out) ? out[0] : out;
      resolve({ passed: report.summary?.passed ?? 0, failed: report.results?.failed_checks ?? [] });
    }),
  );
  result.catch(() => undefined); // awaited by its test; this only keeps an early failure from being reported as unhandled
  return result;
}

const EXAMPLES = ['sandbox.yaml', 'everything.yaml', 'ebury.yaml'];
const scans = new Map<string, Promise<Scan>>();
/** The three scans share the machine; the first one awaited may wait for all of them. */
const SCAN_TIMEOUT_MS = 300_000;

const describeFinding = (f: Finding) => `${f.check_id} ${f.resource} (${f.file_path})`;

describe('checkov', () => {
  beforeAll(() => {
    for (const file of EXAMPLES) {
      const config = loadConfig(join(ROOT, 'examples', file));
      const out = join(tempDir('checkov-'), 'cdktf.out');
      synthesize(config, out);
      scans.set(file, scan(join(out, 'stacks'), 'terraform_json', terraformSkips(config)));
    }
    const dir = tempDir('checkov-charts-');
    for (const chart of CHART_NAMES) {
      for (const s of chartScenarios(chart)) writeFileSync(join(dir, `${chart}-${s.name.replace(/\./g, '-')}.yaml`), renderChart(chart, s.file));
    }
    scans.set('charts', scan(dir, 'kubernetes', SKIPS.kubernetes.map((s) => s.id)));
  });

  it('has a reason for every skipped check', () => {
    for (const skip of [...SKIPS.terraform, ...SKIPS.options, ...SKIPS.kubernetes]) {
      expect({ id: skip.id, reason: skip.reason?.length > 40 }).toEqual({ id: skip.id, reason: true });
    }
    for (const skip of SKIPS.options) {
      expect(['aws-public-endpoint', 'azure-public-api', 'gcp-autopilot', 'state-bootstrap', 'instance-object-storage', 'azure-instance-storage', 'gcp-instance-bucket', 'instance-managed-database']).toContain(skip.option);
    }
  });

  it.each(EXAMPLES)('finds nothing in the Terraform of examples/%s', async (file) => {
    const { passed, failed } = await scans.get(file)!;
    expect(failed.map(describeFinding)).toEqual([]);
    expect(passed).toBeGreaterThan(file === 'ebury.yaml' ? 200 : 300);
  }, SCAN_TIMEOUT_MS);

  it('applies option skips only where the option is on', () => {
    expect([...activeOptions(loadConfig(join(ROOT, 'examples', 'sandbox.yaml')))]).toEqual([]);
    expect([...activeOptions(loadConfig(join(ROOT, 'examples', 'everything.yaml')))].sort()).toEqual(['aws-public-endpoint', 'azure-instance-storage', 'azure-public-api', 'gcp-autopilot', 'gcp-instance-bucket', 'instance-managed-database', 'state-bootstrap']);
    expect([...activeOptions(loadConfig(join(ROOT, 'examples', 'ebury.yaml')))]).toEqual(expect.arrayContaining(['instance-object-storage', 'instance-managed-database']));
  });

  it('finds nothing in any rendered chart, with default and ci values', async () => {
    const { passed, failed } = await scans.get('charts')!;
    expect(failed.map(describeFinding)).toEqual([]);
    expect(passed).toBeGreaterThan(1000);
  }, SCAN_TIMEOUT_MS);
});
