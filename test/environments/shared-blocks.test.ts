import { buildStacks, configFromYaml, configIssues, resources, synthJson } from '../fixtures';

const config = (shared: string, uses: string) => `
clusters:
  - name: kind
    cloud: existing
    connection: { kind: env }
    storageClasses: { blockRwo: standard }
    sharedBlocks: ${shared}
instances:
  - name: uses-cache
    cluster: kind
    owner: dev
    blocks: [postgresql]
    uses: ${uses}
  - name: alone
    cluster: kind
    owner: dev
    blocks: [postgresql]
`;

const policies = (json: any) => Object.values(resources(json, 'kubernetes_network_policy_v1')) as any[];

describe('shared blocks', () => {
  const stacks = buildStacks(configFromYaml(config('[valkey]', '[valkey]')));
  const shared = synthJson(stacks.shared.get('shared-kind')!);

  it('installs each shared block once per cluster, in its own namespace, with its own stack', () => {
    expect([...stacks.shared.keys()]).toEqual(['shared-kind']);
    const ns = Object.values(resources(shared, 'kubernetes_namespace_v1')) as any[];
    expect(ns.map((n) => [n.metadata.name, n.metadata.labels['sandbox.dev/shared-block']])).toEqual([
      ['shared-valkey', 'valkey'],
    ]);
    const release = Object.values(resources(shared, 'helm_release')) as any[];
    expect(release.map((r) => [r.name, r.namespace])).toEqual([['valkey', 'shared-valkey']]);
    expect(release[0].depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kubernetes_namespace_v1\./),
        expect.stringMatching(/^kubernetes_secret_v1\./),
      ]),
    );
    const secret = Object.values(resources(shared, 'kubernetes_secret_v1')) as any[];
    expect(secret[0].metadata.name).toBe('valkey-credentials');
    expect(secret[0].data['default-password']).toMatch(/^\$\{random_password\./);
  });

  it('admits exactly the instance namespaces labelled as its users, and nothing else from outside', () => {
    const byName = Object.fromEntries(policies(shared).map((p) => [p.metadata.name, p.spec]));
    expect(Object.keys(byName).sort()).toEqual([
      'allow-declared-users',
      'allow-dns',
      'allow-same-namespace',
      'default-deny',
    ]);
    expect(byName['allow-declared-users'].ingress).toEqual([
      {
        from: [
          {
            namespace_selector: {
              match_labels: { 'sandbox.dev/uses-valkey': 'true', 'app.kubernetes.io/managed-by': 'sandboxkit' },
            },
          },
        ],
      },
    ]);
    expect(byName['default-deny'].policy_types).toEqual(['Ingress', 'Egress']);
  });

  it('labels the namespace of an instance that declares it and lets it out to the shared namespace; the other gets neither', () => {
    const user = synthJson(stacks.instances.get('instance-uses-cache')!);
    const ns = (Object.values(resources(user, 'kubernetes_namespace_v1')) as any[])[0];
    expect(ns.metadata.labels['sandbox.dev/uses-valkey']).toBe('true');
    const egress = policies(user).find((p) => p.metadata.name === 'allow-egress-to-shared-blocks');
    expect(egress.spec.egress).toEqual([
      { to: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'shared-valkey' } } }] },
    ]);

    const alone = synthJson(stacks.instances.get('instance-alone')!);
    expect((Object.values(resources(alone, 'kubernetes_namespace_v1')) as any[])[0].metadata.labels).not.toHaveProperty(
      ['sandbox.dev/uses-valkey'],
    );
    expect(policies(alone).map((p) => p.metadata.name)).not.toContain('allow-egress-to-shared-blocks');
  });

  it('gives the shared block a Role that may get its credentials Secret and nothing else', () => {
    const roles = Object.values(resources(shared, 'kubernetes_role_v1')) as any[];
    expect(roles.map((r) => [r.metadata.namespace, r.metadata.name, r.rule])).toEqual([
      [
        expect.stringMatching(/^\$\{kubernetes_namespace_v1\.Shared-valkey_Namespace_/),
        'credentials-reader',
        [{ api_groups: [''], resources: ['secrets'], resource_names: ['valkey-credentials'], verbs: ['get'] }],
      ],
    ]);
  });

  it('copies the shared credentials into the user namespace through its own reader account, with no value in the stack', () => {
    const user = synthJson(stacks.instances.get('instance-uses-cache')!);
    const accounts = Object.values(resources(user, 'kubernetes_service_account_v1')) as any[];
    expect(accounts.find((a) => a.metadata.name === 'shared-valkey-reader')).toMatchObject({
      metadata: { namespace: 'uses-cache' },
      automount_service_account_token: false,
    });
    const binding = (Object.values(resources(user, 'kubernetes_role_binding_v1')) as any[]).find(
      (b) => b.metadata.namespace === 'shared-valkey',
    );
    expect(binding).toMatchObject({
      metadata: { name: 'uses-uses-cache', namespace: 'shared-valkey' },
      role_ref: { kind: 'Role', name: 'credentials-reader' },
      subject: [{ kind: 'ServiceAccount', name: 'shared-valkey-reader', namespace: 'uses-cache' }],
    });
    const manifests = Object.values(resources(user, 'kubernetes_manifest')).map((m: any) => m.manifest);
    expect(
      manifests.find((m) => m.kind === 'SecretStore' && m.metadata.name === 'shared-valkey-reader')?.spec.provider,
    ).toEqual({
      kubernetes: {
        remoteNamespace: 'shared-valkey',
        server: { caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt' } },
        auth: { serviceAccount: { name: 'shared-valkey-reader' } },
      },
    });
    const copy = manifests.find((m) => m.kind === 'ExternalSecret' && m.metadata.name === 'shared-valkey-credentials');
    expect(copy.spec).toMatchObject({
      secretStoreRef: { kind: 'SecretStore', name: 'shared-valkey-reader' },
      dataFrom: [{ extract: { key: 'valkey-credentials' } }],
    });
    expect(JSON.stringify(user)).not.toMatch(/terraform_remote_state|random_password\.[^"]*valkey/);

    const alone = synthJson(stacks.instances.get('instance-alone')!);
    expect(
      Object.values(resources(alone, 'kubernetes_role_binding_v1')).map((b: any) => b.metadata.namespace),
    ).not.toContain('shared-valkey');
    expect(
      Object.values(resources(alone, 'kubernetes_manifest')).map((m: any) => m.manifest.metadata.name),
    ).not.toContain('shared-valkey-credentials');
  });

  it('wires the copy into the values of the blocks that inject it, and starts them after it', () => {
    const wired = buildStacks(
      configFromYaml(
        `${config('[valkey]', '[valkey]')}
catalog:
  - name: worker
    labels: { kind: worker, version: 1.0.0 }
    chart: { repository: https://charts.example.org, name: worker, version: 1.0.0 }
    resources: { cpu: 100m, memory: 128Mi }
    inject: { sharedCredentials: { valkey: cache.existingSecret, kafka: events.existingSecret } }
    images: [docker.io/example/worker:1.0.0]
`.replace('blocks: [postgresql]\n    uses', 'blocks: [postgresql, worker]\n    uses'),
      ),
    );
    const json = synthJson(wired.instances.get('instance-uses-cache')!);
    const release = Object.values(resources(json, 'helm_release')).find((r: any) => r.name === 'worker') as any;
    expect(JSON.parse(release.values[0]).cache).toEqual({ existingSecret: 'shared-valkey-credentials' });
    expect(JSON.parse(release.values[0])).not.toHaveProperty('events');
    expect(release.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kubernetes_manifest\.Instance_SharedCredentials_ExternalSecret-valkey/),
      ]),
    );
    expect(JSON.stringify(json.resource?.helm_release)).not.toMatch(/random_password/);
  });

  it('refuses uses of a block the cluster does not share, and a shared block whose database and requirements no shared block meets', () => {
    expect(configIssues(config('[valkey, keycloak, nosuch]', '[mongodb]'))).toEqual([
      expect.stringMatching(
        /^7 clusters\[0\]\.sharedBlocks\[1\]: "keycloak" needs a postgresql database, which a shared block of that engine gives it: share one too/,
      ),
      expect.stringMatching(
        /^7 clusters\[0\]\.sharedBlocks\[1\]: shared block "keycloak" requires a PostgreSQL database, version 14 or newer .*which no other shared block of cluster "kind" provides/,
      ),
      expect.stringMatching(/^7 clusters\[0\]\.sharedBlocks\[2\]: unknown building block "nosuch"/),
      expect.stringMatching(
        /^13 instances\[0\]\.uses\[0\]: cluster "kind" does not share "mongodb"; its sharedBlocks are valkey, keycloak, nosuch$/,
      ),
    ]);
  });

  it('adds no shared stack to a cluster without shared blocks', () => {
    expect(buildStacks(configFromYaml(config('[]', '[]'))).shared.size).toBe(0);
  });
});
