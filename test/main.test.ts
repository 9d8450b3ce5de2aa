import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { configPath } from '../main';
import { EXAMPLE_CONFIG, runMain as run, tempDir } from './fixtures';

const BAD = join(__dirname, 'fixtures', 'ten-mistakes.yaml');

describe('main', () => {
  it('writes one cdk.tf.json per cluster, platform and instance of the example', () => {
    const out = join(tempDir(), 'cdktf.out');
    expect(run(EXAMPLE_CONFIG, out).code).toBe(0);
    const stacks = readdirSync(join(out, 'stacks')).sort();
    expect(stacks).toEqual([
      'cluster-aws-main',
      'cluster-azure-main',
      'cluster-gcp-main',
      'cluster-laptop',
      'instance-identity-trial',
      'instance-local-dev',
      'instance-payments-demo',
      'platform-aws-main',
      'platform-azure-main',
      'platform-gcp-main',
      'platform-laptop',
    ]);
    for (const stack of stacks) expect(existsSync(join(out, 'stacks', stack, 'cdk.tf.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).stacks).toHaveProperty('instance-local-dev');
  });

  it('exits non-zero on a bad config, prints every problem and writes nothing', () => {
    const out = join(tempDir(), 'cdktf.out');
    const result = run(BAD, out);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ten-mistakes\.yaml: 13 problems/);
    expect(result.stderr.match(/ten-mistakes\.yaml:\d+:\d+: /g)).toHaveLength(13);
    expect(existsSync(out)).toBe(false);
  });

  it('leaves a previous good output untouched when a later run fails', () => {
    const out = join(tempDir(), 'cdktf.out');
    mkdirSync(out);
    writeFileSync(join(out, 'marker'), 'previous run');
    expect(run(BAD, out).code).toBe(1);
    expect(readFileSync(join(out, 'marker'), 'utf8')).toBe('previous run');
    expect(readdirSync(join(out, '..')).filter((f) => f.includes('staging'))).toEqual([]);
  });

  it('reads the config path from --config, then SANDBOX_CONFIG, then the example', () => {
    expect(configPath(['--config', 'a.yaml'], { SANDBOX_CONFIG: 'b.yaml' })).toBe('a.yaml');
    expect(configPath([], { SANDBOX_CONFIG: 'b.yaml' })).toBe('b.yaml');
    expect(configPath([], {})).toBe('examples/sandbox.yaml');
  });
});
