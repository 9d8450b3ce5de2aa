import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import { CLI_CONFIG, Workspace } from '../cli/stand-in';
import { buildStacks, exampleWith, resources, synthJson } from '../fixtures';

const MARKER = 'BROUGHT-SECRET-VALUE-4f1c9a';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('secrets an instance brings', () => {
  const config = exampleWith((raw) => {
    raw.instances[0].secrets = [
      { name: 'dss-ca', from: { secretManager: 'interuss/dss-ca' } },
      { name: 'partner-token', from: { file: 'secrets/partner.token' }, key: 'token' },
    ];
  });
  const name = config.instances![0].name;
  const json = synthJson(buildStacks(config).instances.get(`instance-${name}`)!);

  it('copies a secret manager entry through the instance SecretStore, whose identity may read that entry', () => {
    const manifests = Object.values(resources(json, 'kubernetes_manifest')).map((m: any) => m.manifest);
    const external = manifests.find((m) => m.kind === 'ExternalSecret' && m.metadata.name === 'dss-ca');
    expect(external.spec.dataFrom).toEqual([{ extract: { key: 'interuss/dss-ca' } }]);
    expect(external.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'sandbox-secrets' });
    const policies = JSON.stringify(json.data?.aws_iam_policy_document ?? {});
    expect(policies).toMatch(/secret:interuss\/dss-ca-\?\?\?\?\?\?/);
  });

  it('reads a file into a Secret through a sensitive variable, never into the stack', () => {
    expect((json as { variable?: Record<string, unknown> }).variable?.secret_file_partner_token).toMatchObject({
      type: 'string',
      sensitive: true,
      nullable: false,
    });
    const secret = Object.values(resources(json, 'kubernetes_secret_v1')).find(
      (s: any) => s.metadata.name === 'partner-token',
    ) as any;
    expect(secret.data).toEqual({ token: '${var.secret_file_partner_token}' });
  });

  it('refuses a secret manager entry on a cluster without one', () => {
    expect(() =>
      exampleWith((raw) => {
        const onLaptop = raw.instances.find((i: any) => i.cluster === 'laptop');
        onLaptop.secrets = [{ name: 'x', from: { secretManager: 'y' } }];
      }),
    ).toThrow(
      /secrets\[0\]\.from\.secretManager: cluster "laptop" has no secret manager; bring the secret from a file instead/,
    );
  });

  it('the command line passes the file as a private -var-file, and its value lands in no file it leaves behind', async () => {
    const w = new Workspace('');
    writeFileSync(
      w.config,
      CLI_CONFIG(join(w.dir, 'kubeconfig')).replace(
        '    mocks: [email]\n',
        '    mocks: [email]\n    secrets: [{ name: partner-token, from: { file: partner.token } }]\n',
      ),
    );
    writeFileSync(join(w.dir, 'partner.token'), MARKER);
    w.deployed('alpha', { createdAt: '2026-11-23T10:00:00Z', expiresAt: '2026-11-25T10:00:00Z' });
    const r = await w.run('instance', 'extend', 'alpha', '--ttl', '2d');
    expect(r.code).toBe(0);
    const apply = w.calls().find((c) => c.includes(' apply '))!;
    const varFile = /-var-file=(\S+)/.exec(apply)![1];
    expect(existsSync(varFile)).toBe(false);
    expect(JSON.parse(readFileSync(join(w.knobs, 'var-file-instance-alpha'), 'utf8'))).toEqual({
      secret_file_partner_token: MARKER,
    });
    const leaked = filesUnder(w.out).filter((f) => readFileSync(f, 'utf8').includes(MARKER));
    expect(leaked).toEqual([]);
  });
});
