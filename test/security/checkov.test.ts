import { writeFileSync } from 'fs';
import { join } from 'path';
import { loadConfig } from '../../config/load';
import { synthesize } from '../../stacks/synthesize';
import { CHART_NAMES, chartScenarios, renderChart } from '../charts/render';
import { tempDir } from '../fixtures';
import { requireTool, run } from '../tools';
import { SKIPS, activeOptions, terraformSkips } from './checkov-skips';

const ROOT = join(__dirname, '..', '..');
const checkov = requireTool('checkov');

interface Finding {
  readonly check_id: string;
  readonly resource: string;
  readonly file_path: string;
}

/** Runs checkov and returns its failed checks; `--skip-download` keeps it offline. */
function scan(dir: string, framework: 'terraform_json' | 'kubernetes', skips: readonly string[]): { passed: number; failed: Finding[] } {
  const args = ['-d', dir, '--framework', framework, '--skip-download', '--compact', '--quiet', '-o', 'json', '--soft-fail'];
  const out = JSON.parse(run(checkov, skips.length ? [...args, '--skip-check', skips.join(',')] : args));
  const report = Array.isArray(out) ? out[0] : out;
  return { passed: report.summary?.passed ?? 0, failed: report.results?.failed_checks ?? [] };
}

const describeFinding = (f: Finding) => `${f.check_id} ${f.resource} (${f.file_path})`;

describe('checkov', () => {
  it('has a reason for every skipped check', () => {
    for (const skip of [...SKIPS.terraform, ...SKIPS.options, ...SKIPS.kubernetes]) {
      expect({ id: skip.id, reason: skip.reason?.length > 40 }).toEqual({ id: skip.id, reason: true });
    }
    for (const skip of SKIPS.options) expect(['aws-public-endpoint', 'azure-public-api', 'gcp-autopilot', 'state-bootstrap', 'instance-object-storage']).toContain(skip.option);
  });

  it.each(['sandbox.yaml', 'everything.yaml', 'ebury.yaml'])('finds nothing in the Terraform of examples/%s', (file) => {
    const config = loadConfig(join(ROOT, 'examples', file));
    const out = join(tempDir('checkov-'), 'cdktf.out');
    synthesize(config, out);
    const { passed, failed } = scan(join(out, 'stacks'), 'terraform_json', terraformSkips(config));
    expect(failed.map(describeFinding)).toEqual([]);
    expect(passed).toBeGreaterThan(file === 'ebury.yaml' ? 200 : 300);
  });

  it('applies option skips only where the option is on', () => {
    expect([...activeOptions(loadConfig(join(ROOT, 'examples', 'sandbox.yaml')))]).toEqual([]);
    expect([...activeOptions(loadConfig(join(ROOT, 'examples', 'everything.yaml')))].sort()).toEqual(['aws-public-endpoint', 'azure-public-api', 'gcp-autopilot', 'state-bootstrap', 'instance-object-storage']);
  });

  it('finds nothing in any rendered chart, with default and ci values', () => {
    const dir = tempDir('checkov-charts-');
    for (const chart of CHART_NAMES) {
      for (const s of chartScenarios(chart)) writeFileSync(join(dir, `${chart}-${s.name.replace(/\./g, '-')}.yaml`), renderChart(chart, s.file));
    }
    const { passed, failed } = scan(dir, 'kubernetes', SKIPS.kubernetes.map((s) => s.id));
    expect(failed.map(describeFinding)).toEqual([]);
    expect(passed).toBeGreaterThan(1000);
  });
});
