import { parse } from 'yaml';
import { appendItem, removeItem, replaceItem, setItemField } from '../../cli/yaml-edit';

/** A config written by hand: flow lists without padding, quotes, long lines, comments, unindented lists, blank lines. */
const HAND_WRITTEN = `# Our sandboxes.
clusters:
- name: kind          # the laptop
  cloud: existing
  connection: {kind: kubeconfig, path: "~/.kube/config"}
  storageClasses: { blockRwo: standard }
  tags: {team: 'platform', cost-centre: "4711", note: a rather long note that goes well past eighty characters on one line}

instances:
# the first instance
- name: alpha
  cluster: kind
  owner: 'dev'
  blocks: [postgresql,redis]

- { name: beta, cluster: kind, owner: eve, blocks: [redis] }
# trailing comment
`;

describe('config edits', () => {
  it('append an instance after the last one without changing another byte', () => {
    const out = appendItem('instances', { name: 'gamma', cluster: 'kind', owner: 'joe', blocks: ['minio'] })(
      HAND_WRITTEN,
    );
    const at = HAND_WRITTEN.indexOf('# trailing comment');
    expect(out).toBe(
      `${HAND_WRITTEN.slice(0, at)}- name: gamma\n  cluster: kind\n  owner: joe\n  blocks:\n    - minio\n${HAND_WRITTEN.slice(at)}`,
    );
  });

  it('append to a file without instances', () => {
    const text = HAND_WRITTEN.slice(0, HAND_WRITTEN.indexOf('instances:'));
    expect(appendItem('instances', { name: 'x' })(text)).toBe(`${text}instances:\n  - name: x\n`);
  });

  it('remove an instance with its comment, and only it', () => {
    expect(removeItem('instances', 0)(HAND_WRITTEN)).toBe(
      HAND_WRITTEN.replace(
        "# the first instance\n- name: alpha\n  cluster: kind\n  owner: 'dev'\n  blocks: [postgresql,redis]\n",
        '',
      ),
    );
    expect(removeItem('instances', 1)(HAND_WRITTEN)).toBe(
      HAND_WRITTEN.replace('- { name: beta, cluster: kind, owner: eve, blocks: [redis] }\n', ''),
    );
  });

  it('leave an empty list, not a key without a value, when the last instance goes', () => {
    const one = 'clusters: []\ninstances:\n  - name: a\n# end\n';
    expect(removeItem('instances', 0)(one)).toBe('clusters: []\ninstances: []\n# end\n');
  });

  it('set a field in a block mapping and in a flow mapping, and change an existing value in place', () => {
    expect(setItemField('instances', 0, 'ttlHours', 72)(HAND_WRITTEN)).toBe(
      HAND_WRITTEN.replace('  blocks: [postgresql,redis]\n', '  blocks: [postgresql,redis]\n  ttlHours: 72\n'),
    );
    expect(setItemField('instances', 1, 'ttlHours', 72)(HAND_WRITTEN)).toBe(
      HAND_WRITTEN.replace('blocks: [redis] }', 'blocks: [redis], ttlHours: 72 }'),
    );
    expect(setItemField('instances', 0, 'owner', 'carol')(HAND_WRITTEN)).toBe(
      HAND_WRITTEN.replace("owner: 'dev'", 'owner: carol'),
    );
  });

  it('replace an instance in place', () => {
    const out = replaceItem('instances', 1, {
      name: 'beta',
      cluster: 'kind',
      owner: 'eve',
      blocks: [{ name: 'redis', values: { image: { tag: 'pr-7' } } }],
    })(HAND_WRITTEN);
    expect(out).toBe(
      HAND_WRITTEN.replace(
        '- { name: beta, cluster: kind, owner: eve, blocks: [redis] }\n',
        '- name: beta\n  cluster: kind\n  owner: eve\n  blocks:\n    - name: redis\n      values:\n        image:\n          tag: pr-7\n',
      ),
    );
    expect(parse(out).instances[1].blocks[0].values.image.tag).toBe('pr-7');
  });

  it('fall back to a correct document when a splice cannot be made', () => {
    const flow = 'clusters: []\ninstances: [{ name: a }]\n';
    expect(parse(appendItem('instances', { name: 'b' })(flow)).instances).toEqual([{ name: 'a' }, { name: 'b' }]);
  });
});
