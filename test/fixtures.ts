import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing, type TerraformStack } from 'cdktf';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, parseConfig, type ConfigIssue } from '../config/load';
import { main } from '../main';
import type { SandboxConfig } from '../config/types';
import { buildSandbox, type SandboxStacks } from '../stacks/sandbox-app';

export const EXAMPLE_CONFIG = join(__dirname, '..', 'examples', 'sandbox.yaml');

/** The example config, parsed and validated. */
export function exampleConfig(): SandboxConfig {
  return loadConfig(EXAMPLE_CONFIG);
}

/** Builds every stack of `config` in a fresh test app. */
export function buildStacks(config: SandboxConfig = exampleConfig()): SandboxStacks {
  return buildSandbox(Testing.app({ stackTraces: false }), config);
}

/** Synthesizes one stack with validations on and returns the parsed Terraform JSON. */
export function synthJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}

export interface TerraformJson {
  readonly terraform?: Record<string, any>;
  readonly provider?: Record<string, any[]>;
  readonly resource?: Record<string, Record<string, any>>;
  readonly data?: Record<string, Record<string, any>>;
  readonly output?: Record<string, any>;
}

/** Every resource of `type` in a synthesized stack, keyed by logical id. */
export function resources(json: TerraformJson, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The only resource of `type`; fails the test when there is not exactly one. */
export function onlyResource(json: TerraformJson, type: string): any {
  const all = Object.values(resources(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** Parses YAML text as a config named `file` in messages. */
export function configFromYaml(text: string, file = 'test.yaml'): SandboxConfig {
  return parseConfig(text, file);
}

/** The example config with changes applied to its plain-object form, re-validated. */
export function exampleWith(change: (raw: any) => void): SandboxConfig {
  const raw = JSON.parse(JSON.stringify(exampleConfig()));
  change(raw);
  return parseConfig(stringify(raw), 'changed.yaml');
}

let testRoot: string | undefined;

/** A temporary folder for a test's files; all of a test process's folders are removed when it exits. */
export function tempDir(prefix = 'sandboxkit-'): string {
  if (!testRoot) {
    const root = mkdtempSync(join(tmpdir(), 'sandboxkit-test-'));
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
    testRoot = root;
  }
  return mkdtempSync(join(testRoot, prefix));
}

/** Writes `text` to a fresh temporary file and returns its path. */
export function tempFile(name: string, text: string | Buffer): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

/** Runs the app's main on `config`, writing to `outdir`, and returns its exit code and what it printed on stderr. */
export function runMain(config: string, outdir: string): { code: number; stderr: string } {
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: main(['--config', config], { CDKTF_OUTDIR: outdir }), stderr };
  } finally {
    process.stderr.write = write;
  }
}

/** A single-cluster config for focused tests. */
export const MINIMAL_YAML = `
clusters:
  - name: kind
    cloud: existing
    connection: { kind: kubeconfig, path: /tmp/kubeconfig, context: kind-kind }
    storageClasses: { blockRwo: standard }
instances:
  - name: one
    cluster: kind
    owner: dev
    blocks: [postgresql]
`;

/** The issues of a config that must fail, each as `format` writes it (by default `<line> <path>: <message>`). */
export function configIssues(
  text: string,
  format: (issue: ConfigIssue) => string = (i) => `${i.line} ${i.path}: ${i.message}`,
): string[] {
  try {
    parseConfig(text, 'test.yaml');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map(format);
  }
  throw new Error('config was accepted');
}
