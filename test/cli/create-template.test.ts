import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { CLI_CONFIG, Workspace } from './stand-in';

/** The CLI config with two templates after the instances; line 24 is the `blocks` of template "broken". */
const TEMPLATES = `templates:
  - name: core
    blocks: [postgresql, valkey]
    mocks: [email]
    ttlHours: 12
    size: medium
    values:
      valkey: { image: { tag: from-template }, replica: { replicaCount: 1 } }
  - name: broken
    blocks: [postgresql, rabbitmq]
  - name: feature
    extends: core
    addBlocks: [mysql]
`;

function workspace(): Workspace {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')) + TEMPLATES);
  return w;
}
const stack = (w: Workspace, instance: string) =>
  JSON.parse(readFileSync(join(w.out, 'stacks', `instance-${instance}`, 'cdk.tf.json'), 'utf8'));
const releases = (w: Workspace, instance: string) =>
  Object.fromEntries(
    Object.values(stack(w, instance).resource.helm_release as Record<string, { name: string; values: string[] }>).map(
      (r) => [r.name, JSON.parse(r.values[0])],
    ),
  );
const create = (w: Workspace, ...args: string[]) =>
  w.run('instance', 'create', 'beta', '--cluster', 'kind', '--owner', 'eve', ...args);

describe('sandboxkit instance create --template', () => {
  it("deploys the template's blocks, mocks, size and TTL, and with --write-config writes the instance as extending it", async () => {
    const w = workspace();
    const r = await create(w, '--template', 'core', '--json', '--write-config');
    expect({ code: r.code, out: r.code ? r.err : '' }).toEqual({ code: 0, out: '' });
    expect(JSON.parse(r.out)).toMatchObject({ instance: 'beta', action: 'created', ttlHours: 12 });
    expect(parse(w.configText()).instances[1]).toEqual({
      name: 'beta',
      cluster: 'kind',
      owner: 'eve',
      template: 'core',
    });
    const charts = releases(w, 'beta');
    expect(Object.keys(charts)).toEqual(expect.arrayContaining(['postgresql', 'valkey', 'mock-email']));
    expect(charts.valkey).toMatchObject({ image: { tag: 'from-template' } });
    const quota = Object.values(stack(w, 'beta').resource.kubernetes_resource_quota_v1 as Record<string, any>)[0];
    expect(quota.spec.hard).toMatchObject({ 'requests.cpu': '8', pods: '80' });
    // The record holds the instance as deployed, template applied, so later commands need not resolve it again.
    expect(w.record('beta')).toMatchObject({
      status: { phase: 'ready', template: 'core' },
      spec: { blocks: ['postgresql', { name: 'valkey' }], mocks: ['email'], size: 'medium', ttlHours: 12 },
    });
  });

  it('finds a block an extended template inherits for --dataset', async () => {
    const w = workspace();
    const r = await create(w, '--template', 'feature', '--dataset', 'demo', '--json');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(w.record('beta')).toMatchObject({
      spec: {
        blocks: ['postgresql', { name: 'valkey' }, 'mysql'],
        datasets: [{ block: 'postgresql', variant: 'demo' }],
      },
    });
  });

  it('adds and removes blocks, and lays --set values of a template block over the template values', async () => {
    const w = workspace();
    const r = await create(
      w,
      '--template',
      'core',
      '--remove-block',
      'postgresql',
      '--add-block',
      'mysql',
      '--set',
      'valkey.image.tag=pr-7',
      '--ttl',
      '3h',
      '--write-config',
    );
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(parse(w.configText()).instances[1]).toEqual({
      name: 'beta',
      cluster: 'kind',
      owner: 'eve',
      template: 'core',
      ttlHours: 3,
      addBlocks: ['mysql', { name: 'valkey', values: { image: { tag: 'pr-7' } } }],
      removeBlocks: ['postgresql'],
    });
    const charts = releases(w, 'beta');
    expect(Object.keys(charts)).not.toContain('postgresql');
    expect(Object.keys(charts)).toContain('mysql');
    expect(charts.valkey).toMatchObject({ image: { tag: 'pr-7' }, replica: { replicaCount: 1 } });
    expect(r.out).toMatch(/expires: +2026-11-23T15:00:00Z \(in 3h 0m\)/);
  });

  it('replaces the template blocks with --blocks', async () => {
    const w = workspace();
    expect((await create(w, '--template', 'core', '--blocks', 'valkey')).code).toBe(0);
    expect(w.record('beta')?.spec.blocks.map((b) => (typeof b === 'string' ? b : b.name))).toEqual(['valkey']);
    expect(Object.keys(releases(w, 'beta'))).not.toContain('postgresql');
  });

  it('names the flag for a template or a block the config does not have', async () => {
    const w = workspace();
    expect(await create(w, '--template', 'cor')).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /--template: unknown template "cor"; did you mean "core"\?.*the config has core, broken/,
      ),
    });
    expect(await create(w, '--template', 'core', '--remove-block', 'mysql')).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /--remove-block: block "mysql" is not among the instance's blocks \(postgresql, valkey\)/,
      ),
    });
    expect(await create(w, '--template', 'core', '--set', 'mysql.image.tag=1')).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /--set mysql\.image\.tag=1: "mysql" is not one of the instance's blocks \(postgresql, valkey\)/,
      ),
    });
    expect(w.calls()).toEqual([]);
  });

  it("reports a problem in what the template brings in at the template's file and line", async () => {
    const w = workspace();
    const r = await create(w, '--template', 'broken');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      new RegExp(
        `${w.config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:24:\\d+: instances\\[1\\]\\.blocks\\[1\\]: unknown building block "rabbitmq".*\\(from templates\\[1\\]\\.blocks\\[1\\], which --template brings in\\)`,
      ),
    );
    expect(w.calls()).toEqual([]);
    expect(parse(w.configText()).instances).toHaveLength(1);
  });

  it('keeps --uses with a template', async () => {
    const w = workspace();
    writeFileSync(
      w.config,
      w
        .configText()
        .replace(
          'storageClasses: { blockRwo: standard }',
          'storageClasses: { blockRwo: standard }\n    sharedBlocks: [mysql]',
        ),
    );
    expect((await create(w, '--template', 'core', '--uses', 'mysql')).code).toBe(0);
    expect(w.record('beta')?.spec.uses).toEqual(['mysql']);
    expect(JSON.stringify(stack(w, 'beta'))).toContain('shared-mysql-credentials');
  });

  it('takes what an extended template inherits again when an update names it', async () => {
    const w = workspace();
    expect((await create(w, '--blocks', 'valkey', '--size', 'small')).code).toBe(0);
    const r = await create(w, '--update', '--template', 'feature');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(w.record('beta')?.spec).toMatchObject({
      blocks: ['postgresql', { name: 'valkey' }, 'mysql'],
      size: 'medium',
      ttlHours: 12,
    });
  });

  it('adds and removes blocks of an instance that exists with --update, keeping the values of the others', async () => {
    const w = workspace();
    expect((await create(w, '--template', 'core', '--set', 'valkey.image.tag=pr-7')).code).toBe(0);
    const r = await create(w, '--update', '--add-block', 'mysql', '--remove-block', 'postgresql');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(w.record('beta')?.spec.blocks).toEqual([
      { name: 'valkey', values: { image: { tag: 'pr-7' }, replica: { replicaCount: 1 } } },
      'mysql',
    ]);
    expect(releases(w, 'beta').valkey).toMatchObject({ image: { tag: 'pr-7' } });
  });
});
