import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { loadConfig } from '../../config/load';
import { synthesize } from '../../synth/synthesize';
import { tempDir } from '../fixtures';
import { CHART_NAMES, chartScenarios, renderChart } from '../charts/render';

const ROOT = join(__dirname, '..', '..');

/** Patterns of secret material; a reference such as `${random_password.x.result}` is not one. */
export const SECRET_PATTERNS: readonly [string, RegExp][] = [
  ['private key', /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/],
  ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['AWS secret access key', /aws_secret_access_key|secret_key"\s*:/i],
  ['Google service account key', /"private_key_id"|"type"\s*:\s*"service_account"/],
  ['Azure storage account key', /AccountKey=[A-Za-z0-9+/=]{20,}/],
  ['JSON web token', /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36}\b/],
  ['Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  // A key that names or points at a secret (`secret_id`, `secret_name`, `secretName`, `secret_arn`) holds no secret
  // material.
  [
    'literal password or token value',
    /"(?![\w-]*[_-]?(id|name|arn)")[\w-]*(password|passwd|secret|token|api[-_]?key)[\w-]*"\s*:\s*"(?!\\?\$\{)(?=[^"]*[0-9])(?=[^"]*[A-Za-z])[^"\s]{12,}"/i,
  ],
];

/** Every match of a secret pattern in `text`, as "what: excerpt". */
export function findSecrets(text: string): string[] {
  return SECRET_PATTERNS.flatMap(([what, pattern]) => {
    const m = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    return [...text.matchAll(m)].map((hit) => `${what}: ${hit[0].slice(0, 60)}`);
  });
}

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, suffix) : path.endsWith(suffix) ? [path] : [];
  });
}

describe('secret scan', () => {
  it('detects what it is meant to detect', () => {
    expect(findSecrets('{"admin-password": "hunter2hunter2x9"}')).toEqual([
      'literal password or token value: "admin-password": "hunter2hunter2x9"',
    ]);
    expect(findSecrets('key AKIAABCDEFGHIJKLMNOP')).toHaveLength(1);
    expect(findSecrets('-----BEGIN RSA PRIVATE KEY-----')).toHaveLength(1);
    expect(findSecrets('{"password": "${random_password.pw.result}"}')).toEqual([]);
    expect(findSecrets('"secret_id": "\\${aws_secretsmanager_secret.s1.id}"')).toEqual([]);
    expect(findSecrets('{"passwordSecret": "postgresql-credentials"}')).toEqual([]);
    expect(findSecrets('{"secretName": "pool-node-0-tls"}')).toEqual([]);
    expect(findSecrets('{"secret_id": "sandbox-gcp-all-sso-database-admin-086dd3d1"}')).toEqual([]);
    expect(findSecrets('{"secret_token": "086dd3d1086dd3d1"}')).toHaveLength(1);
  });

  it.each(['sandbox.yaml', 'everything.yaml', 'dss.yaml', 'digit.yaml', 'govstack.yaml'])(
    'finds no secret in any stack synthesized from examples/%s',
    (file) => {
      const out = join(tempDir('secrets-'), 'cdktf.out');
      synthesize(loadConfig(join(ROOT, 'examples', file)), out);
      const hits = filesUnder(out, '.json').flatMap((f) =>
        findSecrets(readFileSync(f, 'utf8')).map((h) => `${f}: ${h}`),
      );
      expect(hits).toEqual([]);
    },
  );

  it('finds no secret in any jest snapshot', () => {
    const snapshots = filesUnder(join(ROOT, 'test'), '.snap');
    expect(snapshots.length).toBeGreaterThan(0);
    expect(snapshots.flatMap((f) => findSecrets(readFileSync(f, 'utf8')).map((h) => `${f}: ${h}`))).toEqual([]);
  });

  it('finds no secret in any rendered chart', () => {
    for (const chart of CHART_NAMES) {
      for (const s of chartScenarios(chart)) {
        expect({ chart, values: s.name, secrets: findSecrets(renderChart(chart, s.file)) }).toEqual({
          chart,
          values: s.name,
          secrets: [],
        });
      }
    }
  });

  it('marks outputs sensitive when they carry credentials or cluster endpoints', () => {
    const out = join(tempDir('outputs-'), 'cdktf.out');
    synthesize(loadConfig(join(ROOT, 'examples', 'everything.yaml')), out);
    for (const f of filesUnder(out, 'cdk.tf.json')) {
      const outputs = JSON.parse(readFileSync(f, 'utf8')).output ?? {};
      for (const [name, output] of Object.entries(outputs) as [string, { sensitive?: boolean }][]) {
        if (/password|token|secret_value|private|kubeconfig/.test(name))
          expect({ name, sensitive: output.sensitive }).toEqual({ name, sensitive: true });
      }
    }
  });
});
