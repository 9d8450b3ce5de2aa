import { ConfigError, parseConfig } from '../../config/load';
import type { BlockRefConfig } from '../../config/types';

const CLUSTERS = `clusters:
  - name: kind
    cloud: existing
    connection: { kind: kubeconfig, path: /tmp/kubeconfig }
    storageClasses: { blockRwo: standard }
`;

const TEMPLATES = `templates:
  - name: core
    description: what every payments sandbox has
    blocks: [postgresql, valkey, keycloak]
    mocks: [email, sms]
    datasets: [{ block: postgresql, variant: minimal }]
    size: medium
    ttlHours: 8
    values:
      valkey: { dataStorage: { requestedSize: 4Gi } }
`;

const config = (instances: string, templates = TEMPLATES) =>
  parseConfig(`${CLUSTERS}${templates}instances:\n${instances}`, 'templates.yaml');
const names = (blocks: readonly (string | BlockRefConfig)[]) => blocks.map((b) => (typeof b === 'string' ? b : b.name));

function issues(text: () => unknown): { path: string; message: string; line?: number }[] {
  try {
    text();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => ({ path: i.path, message: i.message, line: i.line }));
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('environment templates', () => {
  it('gives an instance every field of its template, with no template keys left in the config', () => {
    const c = config('  - { name: one, cluster: kind, owner: dev, template: core }\n');
    const one = c.instances![0];
    expect(names(one.blocks)).toEqual(['postgresql', 'valkey', 'keycloak']);
    expect(one).toMatchObject({
      mocks: ['email', 'sms'],
      datasets: [{ block: 'postgresql', variant: 'minimal' }],
      size: 'medium',
      ttlHours: 8,
    });
    expect(Object.keys(one)).not.toEqual(expect.arrayContaining(['template']));
    expect(Object.keys(c)).not.toContain('templates');
  });

  it("merges the template's chart values under the block's own values", () => {
    const c = config(
      '  - name: one\n    cluster: kind\n    owner: dev\n    template: core\n    addBlocks: [{ name: valkey, values: { auth: { enabled: false } } }]\n',
    );
    expect(c.instances![0].blocks.find((b) => names([b])[0] === 'valkey')).toEqual({
      name: 'valkey',
      values: { dataStorage: { requestedSize: '4Gi' }, auth: { enabled: false } },
    });
  });

  it('lets an instance override fields, add blocks and remove blocks', () => {
    const c = config(
      '  - name: one\n    cluster: kind\n    owner: dev\n    template: core\n    size: small\n    mocks: [email]\n    addBlocks: [seaweedfs]\n    removeBlocks: [keycloak]\n',
    );
    const one = c.instances![0];
    expect(names(one.blocks)).toEqual(['postgresql', 'valkey', 'seaweedfs']);
    expect(one).toMatchObject({ size: 'small', mocks: ['email'], ttlHours: 8 });
  });

  it("locates an error in an inherited block at the template's line and names the instance field that brought it in", () => {
    const text = `${CLUSTERS}templates:\n  - name: core\n    blocks: [postgresql, kafka]\ninstances:\n  - name: one\n    cluster: kind\n    owner: dev\n    template: core\n`;
    const found = issues(() => parseConfig(text, 'templates.yaml'));
    expect(found).toEqual([
      expect.objectContaining({
        path: 'instances[0].blocks[1]',
        line: 8,
        message: expect.stringMatching(
          /"kafka".*\(from templates\[0\]\.blocks\[1\], which instances\[0\]\.template \(line 13\) brings in\)$/,
        ),
      }),
    ]);
  });

  it('locates an inherited field of the wrong type at the template', () => {
    const found = issues(() =>
      config(
        '  - { name: one, cluster: kind, owner: dev, template: core }\n',
        TEMPLATES.replace('size: medium', 'size: huge'),
      ),
    );
    expect(found).toEqual([
      expect.objectContaining({
        path: 'instances[0].size',
        line: 12,
        message: expect.stringMatching(/expected one of "small", "medium", "large".*from templates\[0\]\.size/),
      }),
    ]);
  });

  it("locates an error in an added block at the instance's addBlocks entry", () => {
    const found = issues(() =>
      config('  - name: one\n    cluster: kind\n    owner: dev\n    template: core\n    addBlocks: [kafak]\n'),
    );
    expect(found).toEqual([
      expect.objectContaining({
        path: 'instances[0].blocks[3]',
        line: 21,
        message: expect.stringMatching(/"kafak".*\(from instances\[0\]\.addBlocks\[0\]\)$/),
      }),
    ]);
  });

  it('names an unknown template with a suggestion, and a removed block the instance does not have', () => {
    const unknown = issues(() =>
      config('  - { name: one, cluster: kind, owner: dev, template: coer, blocks: [postgresql] }\n'),
    );
    expect(unknown).toEqual([
      expect.objectContaining({
        path: 'instances[0].template',
        line: 17,
        message: 'unknown template "coer"; did you mean "core"?; the config has core',
      }),
    ]);
    const removed = issues(() =>
      config('  - name: one\n    cluster: kind\n    owner: dev\n    template: core\n    removeBlocks: [kafka]\n'),
    );
    expect(removed).toEqual([
      expect.objectContaining({
        path: 'instances[0].removeBlocks[0]',
        line: 21,
        message: expect.stringMatching(
          /block "kafka" is not among the instance's blocks \(postgresql, valkey, keycloak\)/,
        ),
      }),
    ]);
  });

  it('rejects unknown template keys and duplicate template names', () => {
    const found = issues(() =>
      config(
        '  - { name: one, cluster: kind, owner: dev, template: core }\n',
        `${TEMPLATES}  - name: core\n    blokcs: [postgresql]\n`,
      ),
    );
    expect(found.map((f) => [f.path, f.message])).toEqual([
      ['templates[1].name', 'duplicate template "core" (also templates[0])'],
      ['templates[1].blokcs', expect.stringMatching(/^unknown key "blokcs"; did you mean "blocks"\?/)],
    ]);
  });
});
