import { readFileSync } from 'fs';
import { join } from 'path';
import { ConfigError, loadConfig, parseConfig } from '../../config/load';
import { configIssues, exampleConfig, MINIMAL_YAML, tempFile } from '../fixtures';

/** The issues of a config that must fail, as `path: message` lines. */
const problems = (text: string) => configIssues(text, (i) => `${i.path}: ${i.message}`);

const withInstance = (fields: string) => `${MINIMAL_YAML.replace(/instances:[\s\S]*/, '')}instances:\n  - ${fields}\n`;

describe('example config', () => {
  it('declares one cluster on each target and instances on at least two clusters', () => {
    const config = exampleConfig();
    expect(config.clusters.map((c) => c.cloud).sort()).toEqual(['aws', 'azure', 'existing', 'gcp']);
    expect(new Set(config.instances?.map((i) => i.cluster)).size).toBeGreaterThanOrEqual(2);
  });
});

describe('config validation', () => {
  it('accepts the minimal config', () => {
    expect(parseConfig(MINIMAL_YAML).clusters[0].name).toBe('kind');
  });

  it('rejects unknown keys and names them', () => {
    expect(problems(MINIMAL_YAML.replace('owner: dev', 'owner: dev\n    colour: blue'))).toContain(
      'instances[0]: unknown key "colour"',
    );
  });

  it('rejects missing fields', () => {
    expect(problems(MINIMAL_YAML.replace('    owner: dev\n', ''))).toContain(
      'instances[0].owner: is required (expected string)',
    );
  });

  it('rejects wrong types with what it got', () => {
    expect(problems(MINIMAL_YAML.replace('owner: dev', 'owner: dev\n    ttlHours: "forever"'))).toContain(
      'instances[0].ttlHours: expected number, got string "forever"',
    );
  });

  it('rejects names that are not DNS-1123 labels', () => {
    expect(problems(MINIMAL_YAML.replace('name: one', 'name: One_Instance'))).toEqual([
      expect.stringMatching(/^instances\[0\]\.name: must be a DNS-1123 label.*got "One_Instance"$/),
    ]);
  });

  it('rejects instance names longer than a Helm release name allows', () => {
    const long = 'a'.repeat(54);
    expect(problems(MINIMAL_YAML.replace('name: one', `name: ${long}`))).toEqual([
      `instances[0].name: must be at most 53 characters, got "${long}"`,
    ]);
  });

  it('rejects duplicate cluster names', () => {
    const twice = MINIMAL_YAML.replace(
      'instances:',
      `  - name: kind\n    cloud: existing\n    connection: { kind: env }\n    storageClasses: { blockRwo: standard }\ninstances:`,
    );
    expect(problems(twice)).toEqual(['clusters[1].name: duplicate cluster "kind", first declared at clusters[0]']);
  });

  it('rejects duplicate instance names', () => {
    const twice = `${MINIMAL_YAML}  - name: one\n    cluster: kind\n    owner: dev\n    blocks: [valkey]\n`;
    expect(problems(twice)).toEqual(['instances[1].name: duplicate instance "one", first declared at instances[0]']);
  });

  it('rejects two instances that would share a namespace', () => {
    const clash = `${MINIMAL_YAML}  - name: two\n    namespace: one\n    cluster: kind\n    owner: dev\n    blocks: [valkey]\n`;
    expect(problems(clash)).toEqual([
      'instances[1].namespace: duplicate instance namespace "one", first declared at instances[0]',
    ]);
  });

  it('rejects an instance on an undeclared cluster', () => {
    expect(problems(withInstance('{ name: x, cluster: nowhere, owner: dev, blocks: [valkey] }'))).toEqual([
      'instances[0].cluster: expected one of the declared clusters (kind), got "nowhere"',
    ]);
  });

  it.each([
    [0, 'must be at least 1, got 0'],
    [721, 'must be at most 720 (30 days), got 721'],
    [1.5, 'must be a whole number of hours, got 1.5'],
  ])('rejects TTL %p', (ttl, message) => {
    expect(problems(MINIMAL_YAML.replace('owner: dev', `owner: dev\n    ttlHours: ${ttl}`))).toEqual([
      `instances[0].ttlHours: ${message}`,
    ]);
  });

  it('rejects an unknown cloud and still checks the cluster name', () => {
    const bad = MINIMAL_YAML.replace('name: kind\n    cloud: existing', 'name: Kind\n    cloud: openstack');
    expect(problems(bad)).toEqual(
      expect.arrayContaining([
        'clusters[0].cloud: expected one of aws, azure, gcp, existing, got string "openstack"',
        expect.stringMatching(/^clusters\[0\]\.name: must be a DNS-1123 label/),
      ]),
    );
  });

  it('rejects unknown blocks and datasets the block does not offer', () => {
    const bad = withInstance(
      '{ name: x, cluster: kind, owner: dev, blocks: [postgresql, oracle], datasets: [{ block: postgresql, variant: huge }] }',
    );
    expect(problems(bad)).toEqual([
      expect.stringMatching(
        /^instances\[0\]\.blocks\[1\]: unknown building block "oracle"; the catalog offers .*postgresql/,
      ),
      'instances[0].datasets[0].variant: block "postgresql" offers minimal, demo, obfuscated, got "huge"',
    ]);
  });

  it('rejects a dataset for a block the instance does not have', () => {
    expect(
      problems(
        withInstance(
          '{ name: x, cluster: kind, owner: dev, blocks: [valkey], datasets: [{ block: postgresql, variant: demo }] }',
        ),
      ),
    ).toEqual([`instances[0].datasets[0].block: "postgresql" is not one of this instance's blocks`]);
  });

  it('rejects text that is not YAML, with a line number', () => {
    try {
      parseConfig('clusters: [\n  - {name: x\n', 'broken.yaml');
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toMatch(
        /^invalid sandbox config broken\.yaml: \d+ problems?\n {2}broken\.yaml:\d+:\d+: not valid YAML/,
      );
    }
  });

  it('rejects a document that is not a mapping', () => {
    expect(problems('- just\n- a list\n')).toEqual([': expected a mapping with "clusters" and "instances"']);
  });

  it('rejects an unreadable file, naming it', () => {
    expect(() => loadConfig('/nonexistent/sandbox.yaml')).toThrow(
      /invalid sandbox config \/nonexistent\/sandbox\.yaml: 1 problem\n.*cannot read file/,
    );
  });

  it('reports ten mistakes at once, each with its path and line', () => {
    const file = join(__dirname, '..', 'fixtures', 'ten-mistakes.yaml');
    let error: ConfigError | undefined;
    try {
      loadConfig(file);
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const paths = error!.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'clusters[0].name',
        'clusters[0].cloud',
        'clusters[1]',
        'clusters[2].name',
        'instances[0].cluster',
        'instances[0].ttlHours',
        'instances[0].blocks[1]',
        'instances[1].name',
        'instances[1].owner',
        'instances[1].mocks[0]',
        'instances[2].name',
        'instances[2].owner',
      ]),
    );
    expect(error!.issues.every((i) => typeof i.line === 'number' && i.line > 0)).toBe(true);
    expect(
      readFileSync(file, 'utf8').split('\n')[error!.issues.find((i) => i.path === 'instances[0].ttlHours')!.line! - 1],
    ).toContain('ttlHours');
  });

  it('refuses YAML alias bombs', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    expect(problems(bomb.join('\n'))).toEqual([expect.stringMatching(/not valid YAML/)]);
  });

  it('refuses files over the size limit before parsing them', () => {
    const file = tempFile('huge.yaml', Buffer.alloc(11 * 1024 * 1024, 'a'));
    expect(() => loadConfig(file)).toThrow(/at most 10485760 are accepted/);
  });
});
