import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { CLI_CONFIG, Workspace } from './stand-in';

/** The CLI test config with valkey shared on cluster kind and used by alpha. */
function workspace(shared = '\n    sharedBlocks: [valkey]'): Workspace {
  const w = new Workspace('');
  const base = CLI_CONFIG(join(w.dir, 'kubeconfig')).replace(
    'storageClasses: { blockRwo: standard }',
    `storageClasses: { blockRwo: standard }${shared}`,
  );
  writeFileSync(
    w.config,
    shared ? base.replace('    mocks: [email]\n', '    mocks: [email]\n    uses: [valkey]\n') : base,
  );
  return w;
}

describe('shared blocks on the command line', () => {
  it.each([
    ['apply', 'apply -auto-approve', 'applied shared-kind: valkey in shared-valkey'],
    ['plan', 'plan', 'planned shared-kind: valkey in shared-valkey (1 to change, nothing changed)'],
  ])(
    '%s runs Terraform on shared-<cluster> only, with the progress instance commands show',
    async (verb, args, summary) => {
      const w = workspace();
      const r = await w.run('shared', verb, '--cluster', 'kind');
      expect(r).toMatchObject({ code: 0, out: `${summary}\n` });
      expect(w.calls()).toEqual([
        'terraform shared-kind  init -input=false -no-color',
        `terraform shared-kind  ${args} -input=false -no-color -json`,
      ]);
      expect(r.err.split('\n')).toEqual(expect.arrayContaining([`${verb} shared-kind: planning ...`]));
      const stack = JSON.parse(readFileSync(join(w.out, 'stacks', 'shared-kind', 'cdk.tf.json'), 'utf8'));
      expect(Object.values(stack.resource.helm_release).map((h: any) => [h.name, h.namespace])).toEqual([
        ['valkey', 'shared-valkey'],
      ]);
    },
  );

  it("shows a failed apply with Terraform's error in full and exit 1", async () => {
    const w = workspace();
    w.knob('fail-shared-kind');
    const r = await w.run('shared', 'apply', '--cluster', 'kind', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.message).toMatch(
      /^apply shared-kind failed after 0\.0s \(1\/2 changes done\):\nError: simulated failure of apply in shared-kind/,
    );
  });

  it('refuses destroy while an instance uses a shared block, and destroys once none does', async () => {
    const w = workspace();
    const refused = await w.run('shared', 'destroy', '--cluster', 'kind');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /shared-kind is in use by instance "alpha"; destroy them or remove the blocks from their uses first/,
    );
    expect(w.calls()).toEqual([]);
    writeFileSync(w.config, w.configText().replace('    uses: [valkey]\n', ''));
    expect(await w.run('shared', 'destroy', '--cluster', 'kind', '--json')).toMatchObject({ code: 0 });
    expect(w.calls()).toEqual([
      'terraform shared-kind  init -input=false -no-color',
      'terraform shared-kind  destroy -auto-approve -input=false -no-color -json',
    ]);
  });

  it('refuses a cluster without shared blocks, naming its line, and an unknown cluster with a suggestion', async () => {
    const none = await workspace('').run('shared', 'apply', '--cluster', 'kind');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(
      /cluster "kind" \(.*sandbox\.yaml:3\) declares no sharedBlocks, so it has no stack shared-kind/,
    );
    const unknown = await workspace().run('shared', 'plan', '--cluster', 'kidn');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(
      /--cluster: the config declares no cluster "kidn" \(it has kind\); did you mean "kind"\?/,
    );
    expect((await workspace().run('shared', 'apply')).err).toMatch(/required option '--cluster <name>' not specified/);
  });

  it('lists every shared block with its namespace and users', async () => {
    const w = workspace();
    expect(JSON.parse((await w.run('shared', 'list', '--json')).out)).toEqual([
      { cluster: 'kind', stack: 'shared-kind', block: 'valkey', namespace: 'shared-valkey', usedBy: ['alpha'] },
    ]);
    expect((await w.run('shared', 'list')).out.split('\n')[1]).toMatch(
      /^kind\s+shared-kind\s+valkey\s+shared-valkey\s+alpha$/,
    );
  });

  it('instance create --uses records the use in the spec, and refuses a block the cluster does not share', async () => {
    const w = workspace();
    const create = ['instance', 'create', 'beta', '--cluster', 'kind', '--owner', 'eve', '--blocks', 'postgresql'];
    const refused = await w.run(...create, '--uses', 'valkey,kafka');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/--uses: cluster "kind" does not share "kafka"; its sharedBlocks are valkey/);
    expect(w.calls()).toEqual([]);
    expect(await w.run(...create, '--uses', 'valkey')).toMatchObject({ code: 0 });
    expect(w.record('beta')?.spec.uses).toEqual(['valkey']);
    const stack = JSON.parse(readFileSync(join(w.out, 'stacks', 'instance-beta', 'cdk.tf.json'), 'utf8'));
    expect(Object.values(stack.resource.kubernetes_manifest).map((m: any) => m.manifest.metadata.name)).toContain(
      'shared-valkey-credentials',
    );
  });
});
