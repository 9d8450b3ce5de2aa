import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { configPath } from '../main';
import { synthesizeStack } from '../synth/synthesize';
import { configFromYaml, EXAMPLE_CONFIG, MINIMAL_YAML, runMain as run, tempDir } from './fixtures';

/** An instance whose two datasets download from the internet, which its default-deny egress refuses: two warnings. */
const DOWNLOADS = `${MINIMAL_YAML}    datasets: [{ block: postgresql, variant: demo }, { block: postgresql, variant: obfuscated }]\n`;
const DOWNLOAD_WARNING =
  /^warning: SandboxInstance "one": dataset "(demo|obfuscated)" of "postgresql" downloads from https:\/\/example\.org\/\S+; the seed job needs allowInternetEgress or a mirror inside the cluster \(stack instance-one, instance-one\/Instance\)$/;

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

  it('prints every construct warning of every stack on stderr, not only into manifest.json', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sandbox.yaml'), DOWNLOADS);
    const result = run(join(dir, 'sandbox.yaml'), join(dir, 'cdktf.out'));
    expect(result.code).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(DOWNLOAD_WARNING);
  });

  it("hands each warning of the one stack the command line synthesizes to the command's output", () => {
    const lines: string[] = [];
    synthesizeStack(configFromYaml(DOWNLOADS), join(tempDir(), 'cdktf.out'), 'instance-one', (l) => lines.push(l));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(DOWNLOAD_WARNING);
  });

  it('reads the config path from --config, then SANDBOX_CONFIG, then the example', () => {
    expect(configPath(['--config', 'a.yaml'], { SANDBOX_CONFIG: 'b.yaml' })).toBe('a.yaml');
    expect(configPath([], { SANDBOX_CONFIG: 'b.yaml' })).toBe('b.yaml');
    expect(configPath([], {})).toBe('examples/sandbox.yaml');
  });
});
