import { readFileSync } from 'fs';
import { join } from 'path';
import { Lazy, Token, Testing, TerraformStack } from 'cdktf';
import { parse, stringify } from 'yaml';
import { ExistingCluster } from '../../constructs/existing/existing-cluster';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { mergeCatalog } from '../../constructs/catalog/merge';
import { SandboxInstance } from '../../constructs/instance/sandbox-instance';
import { cdktfTokenProblem, broughtSecretKeyProblem } from '../../constructs/instance/tenant-names';
import { OwnerAccess } from '../../constructs/instance/owner-access';
import { buildStacks, configIssues, synthJson } from '../fixtures';
import { parseConfig } from '../../config/load';

/*
 * Config strings reach Terraform's configuration through cdktf. Two ways they could stop being strings: Terraform
 * template syntax (`${...}`, `%{...}`), which Terraform evaluates on the machine that plans, and cdktf's own token
 * markers, which cdktf resolves against whatever the synthesizing process holds (another stack's outputs, a
 * generated password). Both are refused with the file, line and field, on every cloud.
 */
const EVERYTHING = parse(readFileSync(join(__dirname, '..', '..', 'examples', 'everything.yaml'), 'utf8'));
/** The instance of the example on each cloud. */
const ON_CLOUD: Record<string, string> = {
  aws: 'open-payments',
  azure: 'identity',
  gcp: 'files',
  existing: 'onprem-dev',
};
const withInstance = (name: string, change: (instance: any) => void) => {
  const config = structuredClone(EVERYTHING);
  change(config.instances.find((i: any) => i.name === name));
  return stringify(config);
};
const issuesAt = (text: string, path: string) =>
  configIssues(text, (i) => `${i.path}: ${i.message}`).filter((i) => i.startsWith(`${path}:`));

describe('Terraform expression injection', () => {
  const ATTACK = '${file("/proc/self/environ")}';

  it.each(Object.entries(ON_CLOUD))(
    'refuses template syntax in owner and ownerGroup of an instance on %s',
    (_cloud, name) => {
      const index = EVERYTHING.instances.findIndex((i: any) => i.name === name);
      const text = withInstance(name, (i) => {
        i.owner = `${ATTACK}@x`;
        i.ownerGroup = '%{ if true }admins%{ endif }';
      });
      expect(issuesAt(text, `instances[${index}].owner`)).toEqual([
        `instances[${index}].owner: must not contain "\${": Terraform would evaluate it as a template expression on the machine that applies`,
      ]);
      expect(issuesAt(text, `instances[${index}].ownerGroup`)).toEqual([
        `instances[${index}].ownerGroup: must not contain "%{": Terraform would evaluate it as a template expression on the machine that applies`,
      ]);
    },
  );

  it('refuses template syntax in every other field written outside chart values, with its line', () => {
    const text = withInstance('onprem-dev', (i) => {
      i.workingHours = `Mon-Fri 08:00-18:00 ${ATTACK}`;
      i.secrets = [{ name: 'token', from: { file: `/tmp/${ATTACK}` } }];
    });
    const issues = configIssues(text, (i) => `${i.line} ${i.path}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\d+ instances\[5\]\.workingHours$/),
        expect.stringMatching(/^\d+ instances\[5\]\.secrets\[0\]\.from\.file$/),
      ]),
    );
  });

  it('accepts `${` inside chart values, which the release escapes, and writes it escaped', () => {
    const text = withInstance('onprem-dev', (i) => {
      i.blocks = [{ name: 'postgresql', values: { note: ATTACK } }, 'shared-files'];
    });
    const stacks = buildStacks(parseConfig(text));
    const json = JSON.stringify(synthJson(stacks.instances.get('instance-onprem-dev')!));
    expect(json).toContain('$${file(\\\\\\"/proc/self/environ\\\\\\")}');
    expect(json).not.toMatch(/[^$]\$\{file\(/);
  });

  it('refuses template syntax in an owner given to the construct directly', () => {
    const stack = new TerraformStack(Testing.app(), 't');
    expect(() => new OwnerAccess(stack, 'Owner', { namespace: 'n', user: `${ATTACK}@x` })).toThrow(
      /OwnerAccess "Owner": user must not contain "\$\{"/,
    );
  });
});

describe('cdktf token injection', () => {
  /** A real token of this process, as cdktf writes it into a string and into a number. */
  const stringToken = Token.asString(Lazy.stringValue({ produce: () => 'a generated password' }));
  const numberToken = Token.asNumber(Lazy.numberValue({ produce: () => 1 }));

  it.each([
    ['a string token marker', stringToken],
    ['a list token marker', '#{TfToken[TOKEN.12]}'],
    ['a map token marker', '&{TfToken[TOKEN.12]}'],
    ['a number token', numberToken],
    ['a number token inside a string', `x ${numberToken}`],
  ])('refuses %s in block values, where nothing else would stop it', (_what, value) => {
    expect(cdktfTokenProblem(value)).toBeDefined();
    const text = withInstance('open-payments', (i) => {
      i.blocks = [{ name: 'valkey', values: { password: undefined, note: value } }];
    });
    expect(issuesAt(text, 'instances[0].blocks[0].values.note')).toEqual([expect.stringMatching(/cdktf/)]);
  });

  it('refuses a token marker in a mapping key', () => {
    const text = withInstance('open-payments', (i) => {
      i.blocks = [{ name: 'valkey', values: { [stringToken]: 'x' } }];
    });
    expect(configIssues(text, (i) => i.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/cdktf token marker/)]),
    );
  });

  it('accepts numbers and strings that only look like exponents', () => {
    for (const v of [1e300, -8.1e298, '1e+300', 'version 2.3e4']) expect(cdktfTokenProblem(v)).toBeUndefined();
  });
});

describe('brought secret-manager keys', () => {
  it.each([
    ['aws', 'open-payments', '*'],
    ['aws', 'open-payments', 'prod/*'],
    ['aws', 'open-payments', 'sandbox/aws-all/other/postgresql-credentials'],
    ['azure', 'identity', 'other--postgresql-credentials'],
    ['azure', 'identity', 'pay?ents'],
    ['gcp', 'files', 'sandbox-gcp-all-other-postgresql-credentials'],
  ])('refuses on %s, for instance %s, the key %s', (_cloud, name, key) => {
    const index = EVERYTHING.instances.findIndex((i: any) => i.name === name);
    const text = withInstance(name, (i) => {
      i.secrets = [{ name: 'brought', from: { secretManager: key } }];
    });
    expect(issuesAt(text, `instances[${index}].secrets[0].from.secretManager`)).toEqual([
      expect.stringMatching(
        /must name one secret, without wildcards|must not be one of the secrets sandboxkit generates/,
      ),
    ]);
  });

  it('accepts a key of your own on every cloud', () => {
    for (const cloud of ['aws', 'azure', 'gcp'])
      expect(broughtSecretKeyProblem('payments-api-token', cloud)).toBeUndefined();
  });

  it('is refused by the instance construct as well, naming the secret', () => {
    const stack = new TerraformStack(Testing.app(), 't');
    const cluster = new ExistingCluster(stack, 'C', { clusterName: 'c', storage: { blockRwo: 'standard' } });
    expect(
      () =>
        new SandboxInstance(stack, 'I', {
          cluster: { ...cluster, cloud: 'aws' },
          instanceName: 'i',
          owner: 'o',
          blocks: [{ name: 'valkey' }],
          catalog: mergeCatalog(BUILTIN_CATALOG, []),
          secrets: [{ name: 'all', from: { secretManager: '*' } }],
        }),
    ).toThrow(/SandboxInstance "i": secrets\[0\] "all": secretManager must name one secret, without wildcards/);
  });
});
