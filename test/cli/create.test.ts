import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { CLI_CONFIG, Workspace } from './stand-in';

function workspace(extra = ''): Workspace {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')) + extra);
  return w;
}
const instancesOf = (w: Workspace) => (parse(w.configText()).instances ?? []).map((i: { name: string }) => i.name);
const stackJson = (w: Workspace, instance: string) =>
  JSON.parse(readFileSync(join(w.out, 'stacks', `instance-${instance}`, 'cdk.tf.json'), 'utf8'));
const releaseValues = (w: Workspace, instance: string, release: string) =>
  JSON.parse(
    (Object.values(stackJson(w, instance).resource.helm_release) as { name: string; values: string[] }[]).find(
      (r) => r.name === release,
    )!.values[0],
  );

const CREATE = [
  'instance',
  'create',
  'beta',
  '--cluster',
  'kind',
  '--owner',
  'eve',
  '--blocks',
  'postgresql,valkey',
  '--mocks',
  'email,sms',
  '--dataset',
  'minimal',
  '--ttl',
  '1d',
];

describe('sandboxkit instance create', () => {
  it('records the instance, applies only its stack and leaves the config file alone', async () => {
    const w = workspace();
    const before = w.configText();
    const r = await w.run(...CREATE, '--json');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(r.out)).toMatchObject({
      instance: 'beta',
      cluster: 'kind',
      namespace: 'beta',
      action: 'created',
      phase: 'ready',
      owner: 'eve',
      ttlHours: 24,
      expiresAt: '2026-11-24T12:00:00Z',
      recordedIn: w.state,
      config: 'unchanged',
    });
    expect(w.calls().filter((c) => c.startsWith('terraform'))).toEqual([
      'terraform instance-beta  init -input=false -no-color',
      'terraform instance-beta  apply -auto-approve -input=false -no-color -json',
    ]);
    expect(w.calls()).toContain(
      `kubectl --kubeconfig ${w.dir}/kubeconfig --context kind-kind annotate namespace beta --overwrite sandbox.dev/last-applied-at=2026-11-23T12:00:00Z`,
    );
    expect(w.configText()).toBe(before);
    const record = w.record('beta')!;
    expect(record).toMatchObject({
      kind: 'sandboxkit-instance',
      version: 2,
      origin: 'cli',
      spec: {
        name: 'beta',
        cluster: 'kind',
        owner: 'eve',
        ttlHours: 24,
        blocks: ['postgresql', 'valkey'],
        mocks: ['email', 'sms'],
        datasets: [{ block: 'postgresql', variant: 'minimal' }],
      },
      status: { phase: 'ready', createdAt: '2026-11-23T12:00:00.000Z', expiresAt: '2026-11-24T12:00:00Z' },
    });
    expect(record.history).toEqual([
      { at: '2026-11-23T12:00:00.000Z', by: 'tester', action: 'create', outcome: 'succeeded' },
    ]);
  });

  it('makes the annotations it stamps with kubectl part of the stack: Terraform ignores them, so an audit sees no drift', async () => {
    const w = workspace();
    expect((await w.run(...CREATE)).code).toBe(0);
    const ns = Object.values(stackJson(w, 'beta').resource.kubernetes_namespace_v1)[0] as any;
    expect(ns.lifecycle.ignore_changes).toEqual([
      'metadata[0].annotations["sandbox.dev/last-applied-at"]',
      'metadata[0].annotations["sandbox.dev/stopped"]',
    ]);
  });

  it('writes the instance into the config only with --write-config, changing no other byte', async () => {
    const w = workspace();
    const before = w.configText();
    expect((await w.run(...CREATE, '--write-config')).code).toBe(0);
    const after = w.configText();
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toBe(
      '  - name: beta\n    cluster: kind\n    owner: eve\n    ttlHours: 24\n    blocks:\n      - postgresql\n      - valkey\n    mocks:\n      - email\n      - sms\n    datasets:\n      - block: postgresql\n        variant: minimal\n',
    );
  });

  it("streams Terraform's progress while it runs, keeps init's text for --verbose, and prints the outcome", async () => {
    const w = workspace();
    const r = await w.run(...CREATE);
    expect(r.err.split('\n')).toEqual(
      expect.arrayContaining([
        'apply instance-beta: planning ...',
        'apply instance-beta: 2 to change (0.0s)',
        'apply instance-beta: applying ...',
        '  created kubernetes_namespace_v1.ns [1/2, 0.0s]',
        '  created helm_release.block [2/2, 0.0s]',
        'apply instance-beta done: 2/2 changes (0.0s)',
      ]),
    );
    expect(r.err).not.toMatch(/Initializing the backend/);
    expect(r.out).toBe(
      `created instance beta on kind: ready\n  namespace:  beta\n  owner:      eve\n  expires:    2026-11-24T12:00:00Z (in 1d 0h)\n  recorded:   ${w.state}\n`,
    );
    const verbose = await workspace().run(...CREATE, '--verbose');
    expect(verbose.err).toMatch(/^init instance-beta \.\.\.\n {2}Initializing the backend\.\.\./m);
  });

  it('prints the URL of every routed block', async () => {
    const w = workspace();
    const r = await w.run('instance', 'create', 'web', '--blocks', 'postgresql,keycloak');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n {2}urls:\n {4}https:\/\/keycloak\.web\.sandbox\.localhost\n$/);
    expect(w.record('web')?.status.urls).toEqual(['https://keycloak.web.sandbox.localhost']);
  });

  it('initializes a stack once: later commands keep .terraform and skip terraform init while providers and backend stay', async () => {
    const w = workspace();
    expect((await w.run(...CREATE)).code).toBe(0);
    expect((await w.run('instance', 'extend', 'beta', '--ttl', '2d')).code).toBe(0);
    expect(w.calls().filter((c) => / init /.test(c))).toHaveLength(1);
    expect(existsSync(join(w.out, 'stacks', 'instance-beta', '.terraform'))).toBe(true);
  });

  it('defaults the cluster to the only one and the owner to the git user or $USER, and says which owner it took', async () => {
    const w = workspace();
    const r = await w.run('instance', 'create', 'gamma', '--blocks', 'valkey');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(r.out).toMatch(/^ {2}owner: {6}tester \(\$USER; --owner sets another\)$/m);
    expect(w.record('gamma')?.spec).toMatchObject({ cluster: 'kind', owner: 'tester' });
  });

  it('asks for --cluster when the config has several, and suggests the nearest name for a wrong one', async () => {
    const w = workspace();
    writeFileSync(
      w.config,
      `${w.configText().replace(/^instances:[\s\S]*$/m, '')}  - name: other\n    cloud: existing\n    connection: { kind: kubeconfig, path: ${w.dir}/kubeconfig }\n    storageClasses: { blockRwo: standard }\n`,
    );
    expect(await w.run('instance', 'create', 'gamma', '--blocks', 'valkey')).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /--cluster: the config has 2 clusters \(kind, other\); name the one for the new instance/,
      ),
    });
    expect(await w.run('instance', 'create', 'gamma', '--cluster', 'kinf', '--blocks', 'valkey')).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /--cluster: the config declares no cluster "kinf" \(it has kind, other\); did you mean "kind"\?/,
      ),
    });
    expect(w.calls()).toEqual([]);
  });

  it('plans without changing anything on --dry-run, and shows the resource changes', async () => {
    const w = workspace();
    const before = w.configText();
    const r = await w.run(...CREATE, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'planned instance beta on kind (nothing changed): 1 to add, 0 to change, 0 to destroy\n  + kubernetes_namespace_v1.ns\n',
    );
    expect(
      w
        .calls()
        .filter((c) => c.startsWith('terraform'))
        .map((c) => c.split('  ')[1].split(' ')[0]),
    ).toEqual(['init', 'plan']);
    expect(w.configText()).toBe(before);
    expect(w.record('beta')).toBeUndefined();
  });

  it('fails fast when the API server does not answer: a short message, nothing initialized, planned or recorded', async () => {
    const w = workspace();
    w.knob('api-down');
    const r = await w.run(...CREATE);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `sandboxkit: cluster "kind": the API server does not answer (context kind-kind of ${w.dir}/kubeconfig server https://127.0.0.1:6443): The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\nNothing was planned or applied. Start the cluster or fix clusters[].connection; \`sandboxkit doctor\` checks every cluster.\n`,
    );
    expect(w.calls().filter((c) => c.startsWith('terraform'))).toEqual([]);
    expect(w.record('beta')).toBeUndefined();
  });

  it("on a failed apply shows Terraform's error in full with the namespace's warning events, and records the instance as failed", async () => {
    const w = workspace();
    w.knob('fail-instance-beta');
    w.world((x) => {
      x.events.beta = [
        {
          type: 'Warning',
          reason: 'FailedCreate',
          message: 'pods "valkey-0" is forbidden: maximum cpu usage per Container is 4, but limit is 16',
          count: 7,
          lastTimestamp: '2026-11-23T11:59:00Z',
          involvedObject: { kind: 'StatefulSet', name: 'valkey' },
        },
      ];
    });
    const before = w.configText();
    const r = await w.run(...CREATE);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'apply instance-beta failed after 0.0s (1/2 changes done):\nError: simulated failure of apply in instance-beta\n  with helm_release.block\n  the stand-in was told to fail',
    );
    expect(r.err).toContain(
      'Warning events in namespace beta, latest last:\n  StatefulSet/valkey FailedCreate (x7): pods "valkey-0" is forbidden: maximum cpu usage per Container is 4, but limit is 16',
    );
    expect(w.configText()).toBe(before);
    expect(w.record('beta')?.status).toMatchObject({ phase: 'failed', failure: { action: 'create' } });
    expect(w.record('beta')?.history.map((h) => `${h.action} ${h.outcome}`)).toEqual(['create failed']);
  });

  it('checks the rendered chart against the LimitRange and the quota before planning, naming the block and the value', async () => {
    const w = workspace();
    w.knob(
      'template-valkey',
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: { name: valkey }',
        'spec:',
        '  replicas: 1',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: valkey',
        '          resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { cpu: "16", memory: 512Mi } }',
      ].join('\n'),
    );
    const r = await w.run(
      'instance',
      'create',
      'beta',
      '--blocks',
      'valkey',
      '--set',
      'valkey.resources.limits.cpu=16',
      '--dry-run',
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /the values of instance "beta" do not fit its guardrails, so nothing was planned or applied:\n {2}block "valkey": Deployment\/valkey container "valkey" asks limits\.cpu 16; the instance's LimitRange allows at most 4 CPU per container\n {2}the blocks \(valkey as rendered with their values, the rest as the catalog sizes them\), mocks and seed jobs need .* limits 16 CPU/,
    );
    expect(w.calls().find((c) => c.startsWith('helm template'))).toMatch(
      /^helm template valkey valkey --namespace beta --repo https:\/\/valkey\.io\/valkey-helm\/ --version 0\.11\.0 --kube-version v1\.34\.1 -f /,
    );
    expect(w.calls().filter((c) => / plan | apply /.test(c))).toEqual([]);
    w.knob(
      'template-valkey',
      'kind: Deployment\nmetadata: { name: valkey }\nspec: { template: { spec: { containers: [{ name: valkey, resources: { requests: { cpu: banana } } }] } } }\n',
    );
    expect(
      await w.run('instance', 'create', 'beta', '--blocks', 'valkey', '--set', 'valkey.resources.requests.cpu=banana'),
    ).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /block "valkey": Deployment\/valkey container "valkey" requests\.cpu must be a CPU quantity such as 500m or 2, got "banana"/,
      ),
    });
  });

  it('stops Terraform as Ctrl-C does when --timeout passes, and records the create as failed', async () => {
    const w = workspace();
    w.knob('slow', '30');
    const r = await w.run(...CREATE, '--timeout', '2s');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/apply instance-beta stopped after \d+\.\ds: --timeout passed/);
    expect(w.record('beta')?.status).toMatchObject({ phase: 'failed', failure: { action: 'create' } });
  });

  it('runs the same create again as the retry of a failed one', async () => {
    const w = workspace();
    w.knob('fail-instance-beta');
    expect((await w.run(...CREATE)).code).toBe(1);
    w.unknob('fail-instance-beta');
    const r = await w.run(...CREATE);
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(w.record('beta')?.status.phase).toBe('ready');
    expect(w.record('beta')?.history.map((h) => `${h.action} ${h.outcome}`)).toEqual([
      'create failed',
      'create succeeded',
    ]);
  });

  it('removes the releases a killed apply left outside the state before it retries, and says so', async () => {
    const w = workspace();
    w.knob('fail-instance-beta');
    expect((await w.run(...CREATE)).code).toBe(1);
    w.unknob('fail-instance-beta');
    // The killed apply had installed valkey (pending-install) without writing it into the state.
    w.world((x) => {
      x.releases['beta/valkey'] = {
        name: 'valkey',
        namespace: 'beta',
        status: 'pending-install',
        revision: 1,
        chart: 'valkey-0.11.0',
      };
    });
    const r = await w.run(...CREATE);
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(r.out).toMatch(/^ {2}removed: +release valkey \(pending-install\), left by an interrupted apply$/m);
    const calls = w.calls();
    const applies = calls.flatMap((c, i) => (/^terraform instance-beta {2}apply /.test(c) ? [i] : []));
    const uninstall = calls.findIndex((c) => c.startsWith('helm uninstall valkey -n beta'));
    expect(uninstall).toBeGreaterThan(applies[0]);
    expect(uninstall).toBeLessThan(applies[1]);
  });

  it('removes the namespace a killed apply left outside the state, when the record says it began that create', async () => {
    const w = workspace();
    w.knob('fail-instance-beta');
    expect((await w.run(...CREATE)).code).toBe(1);
    w.unknob('fail-instance-beta');
    // Terraform exited before it wrote anything into the state: the namespace is there, the state knows nothing.
    w.world((x) => (x.tfstate['instance-beta'] = []));
    const r = await w.run(...CREATE);
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(r.out).toMatch(/^ {2}removed: +namespace beta with everything in it, left by an interrupted apply$/m);
    expect(w.calls()).toContain(
      `kubectl --kubeconfig ${w.dir}/kubeconfig --context kind-kind delete namespace beta --wait --timeout=5m`,
    );
  });

  it('never removes a namespace the record does not know, nor one of another instance', async () => {
    const w = workspace();
    w.world((x) => (x.namespaces.beta = { labels: { 'sandbox.dev/instance': 'beta' }, annotations: {} }));
    expect((await w.run(...CREATE)).code).toBe(0);
    expect(w.calls().filter((c) => / delete namespace /.test(c))).toEqual([]);
  });

  it('says that providers could not be downloaded, and how to use a mirror, when init fails offline', async () => {
    const w = workspace();
    w.knob(
      'offline',
      'Error: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider\nhashicorp/kubernetes: could not connect to registry.terraform.io: dial tcp: lookup\nregistry.terraform.io: no such host\n',
    );
    const r = await w.run(...CREATE);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /init instance-beta failed:\nError: Failed to query available provider packages\n\nCould not retrieve the list/,
    );
    expect(r.err).toMatch(/Terraform could not download the providers this stack needs/);
    expect(r.err).toMatch(/filesystem_mirror \{ path = "\/path\/to\/mirror" \}/);
    expect(w.calls().some((c) => /providers lock/.test(c))).toBe(false);
    w.unknob('offline');
    expect(await w.run(...CREATE)).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^created instance beta on kind: ready/),
    });
  });

  it('points at doctor and the environment variable when terraform is missing', async () => {
    const w = workspace();
    w.env.SANDBOXKIT_TERRAFORM = join(w.dir, 'no-such-terraform');
    const r = await w.run(...CREATE);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /terraform could not be started .*\nInstall Terraform or OpenTofu 1\.10 or later, or set SANDBOXKIT_TERRAFORM to its path; `sandboxkit doctor` checks every tool/,
    );
  });

  it('prints a JSON error object on failures with --json and with -o json', async () => {
    for (const flag of [['--json'], ['-o', 'json']]) {
      const w = workspace();
      w.knob('fail-instance-beta');
      const r = await w.run(...CREATE, ...flag);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out)).toEqual({
        error: { kind: 'failed', exitCode: 1, message: expect.stringMatching(/^apply instance-beta failed/) },
      });
    }
  });

  it.each([
    [
      ['--ttl', '31d'],
      /option '--ttl <duration>' argument '31d' is invalid\. must be between 1h and 720h \(30 days\), got 744h/,
    ],
    [
      ['--ttl', 'soon'],
      /option '--ttl <duration>' argument 'soon' is invalid\. must be hours or days such as 48h or 2d, got "soon"/,
    ],
    [
      ['--mocks', 'emial'],
      /argument 'emial' is invalid\. expected email, sms, payment, cloud, got "emial"; did you mean "email"\?/,
    ],
    [['--size', 'huge'], /argument 'huge' is invalid\. expected small, medium, large, got "huge"/],
    [['--size', 'smal'], /got "smal"; did you mean "small"\?/],
    [['-o', 'jsn'], /argument 'jsn' is invalid\. expected json, yaml, got "jsn"; did you mean "json"\?/],
  ])('refuses %p as a flag value before touching anything', async (extra, message) => {
    const w = workspace();
    const r = await w.run(
      'instance',
      'create',
      'beta',
      '--cluster',
      'kind',
      '--owner',
      'eve',
      '--blocks',
      'valkey',
      ...extra,
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/Run 'sandboxkit instance create --help' for usage\./);
    expect(w.calls()).toEqual([]);
  });

  it('takes -o json for --output, not for --out', async () => {
    const w = workspace();
    const r = await w.run(...CREATE, '--output', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ instance: 'beta', action: 'created' });
  });

  it('reports bad spec values against the flags, not against lines of the config file', async () => {
    const w = workspace();
    const r = await w.run('instance', 'create', 'beta', '--owner', 'eve', '--blocks', 'postgress');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--blocks: unknown building block "postgress"; did you mean "postgresql"\?/);
    expect(r.err).not.toMatch(/sandbox\.yaml:\d+/);
    expect(w.calls()).toEqual([]);
  });

  it('refuses an instance the config declares, or one that exists, unless --update', async () => {
    const w = workspace();
    expect(await w.run('instance', 'create', 'alpha', '--blocks', 'valkey')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/instance "alpha" is declared in the config .*; pass --update/),
    });
    expect((await w.run(...CREATE)).code).toBe(0);
    expect(await w.run(...CREATE)).toMatchObject({
      code: 1,
      err: expect.stringMatching(/instance "beta" already exists \(ready\); pass --update/),
    });
  });

  it('takes per-block values with --set and --values into the record and the chart values', async () => {
    const w = workspace();
    const file = join(w.dir, 'values.yaml');
    writeFileSync(
      file,
      'postgresql:\n  primary:\n    resources: { requests: { cpu: 250m } }\n  image: { tag: from-file }\n',
    );
    const r = await w.run(
      'instance',
      'create',
      'beta',
      '--blocks',
      'postgresql',
      '--values',
      file,
      '--set',
      'postgresql.image.tag=17.5.0',
      '--set',
      'postgresql.auth.enablePostgresUser=false',
    );
    expect(r.code).toBe(0);
    const values = {
      primary: { resources: { requests: { cpu: '250m' } } },
      image: { tag: '17.5.0' },
      auth: { enablePostgresUser: false },
    };
    expect(w.record('beta')?.spec.blocks).toEqual([{ name: 'postgresql', values }]);
    expect(releaseValues(w, 'beta', 'postgresql')).toMatchObject(values);
  });

  it('refuses --set for a block the instance does not have', async () => {
    const r = await workspace().run(
      'instance',
      'create',
      'beta',
      '--blocks',
      'postgresql',
      '--set',
      'postgres.image.tag=1',
    );
    expect(r).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /--set postgres\.image\.tag=1: "postgres" is not one of the instance's blocks \(postgresql\); did you mean "postgresql"\?/,
      ),
    });
  });

  it('keeps all instances and records when creates run at once', async () => {
    const w = workspace();
    const args = (name: string) => ['instance', 'create', name, '--blocks', 'valkey', '--write-config'];
    const results = await Promise.all([w.run(...args('beta')), w.run(...args('gamma')), w.run(...args('delta'))]);
    expect(results.map((r) => (r.code ? r.err : r.code))).toEqual([0, 0, 0]);
    expect(instancesOf(w).sort()).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(['beta', 'gamma', 'delta'].map((n) => w.record(n)?.status.phase)).toEqual(['ready', 'ready', 'ready']);
    expect(existsSync(`${w.config}.lock`)).toBe(false);
  });
});
