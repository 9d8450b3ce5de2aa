import { ConfigError, parseConfig } from '../../config/load';
import { buildStacks, configFromYaml, resources, synthJson } from '../fixtures';

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

function problems(text: string): string[] {
  try {
    parseConfig(text, 'shared.yaml');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
  }
  throw new Error('config was accepted');
}

const policies = (json: any) => Object.values(resources(json, 'kubernetes_network_policy_v1')) as any[];

describe('shared blocks', () => {
  const stacks = buildStacks(configFromYaml(config('[valkey]', '[valkey]')));
  const shared = synthJson(stacks.shared.get('shared-kind')!);

  it('installs each shared block once per cluster, in its own namespace, with its own stack', () => {
    expect([...stacks.shared.keys()]).toEqual(['shared-kind']);
    const ns = Object.values(resources(shared, 'kubernetes_namespace_v1')) as any[];
    expect(ns.map((n) => [n.metadata.name, n.metadata.labels['sandbox.dev/shared-block']])).toEqual([['shared-valkey', 'valkey']]);
    const release = Object.values(resources(shared, 'helm_release')) as any[];
    expect(release.map((r) => [r.name, r.namespace])).toEqual([['valkey', 'shared-valkey']]);
    expect(release[0].depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes_namespace_v1\./), expect.stringMatching(/^kubernetes_secret_v1\./)]));
    const secret = Object.values(resources(shared, 'kubernetes_secret_v1')) as any[];
    expect(secret[0].metadata.name).toBe('valkey-credentials');
    expect(secret[0].data['default-password']).toMatch(/^\$\{random_password\./);
  });

  it('admits exactly the instance namespaces labelled as its users, and nothing else from outside', () => {
    const byName = Object.fromEntries(policies(shared).map((p) => [p.metadata.name, p.spec]));
    expect(Object.keys(byName).sort()).toEqual(['allow-declared-users', 'allow-dns', 'allow-same-namespace', 'default-deny']);
    expect(byName['allow-declared-users'].ingress).toEqual([
      { from: [{ namespace_selector: { match_labels: { 'sandbox.dev/uses-valkey': 'true', 'app.kubernetes.io/managed-by': 'sandboxkit' } } }] },
    ]);
    expect(byName['default-deny'].policy_types).toEqual(['Ingress', 'Egress']);
  });

  it('labels the namespace of an instance that declares it and lets it out to the shared namespace; the other gets neither', () => {
    const user = synthJson(stacks.instances.get('instance-uses-cache')!);
    const ns = (Object.values(resources(user, 'kubernetes_namespace_v1')) as any[])[0];
    expect(ns.metadata.labels['sandbox.dev/uses-valkey']).toBe('true');
    const egress = policies(user).find((p) => p.metadata.name === 'allow-egress-to-shared-blocks');
    expect(egress.spec.egress).toEqual([{ to: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'shared-valkey' } } }] }]);

    const alone = synthJson(stacks.instances.get('instance-alone')!);
    expect((Object.values(resources(alone, 'kubernetes_namespace_v1')) as any[])[0].metadata.labels).not.toHaveProperty(['sandbox.dev/uses-valkey']);
    expect(policies(alone).map((p) => p.metadata.name)).not.toContain('allow-egress-to-shared-blocks');
  });

  it('refuses uses of a block the cluster does not share, and shared blocks that need a database or a hostname', () => {
    expect(problems(config('[valkey, keycloak, nosuch]', '[mongodb]'))).toEqual([
      expect.stringMatching(/^7 clusters\[0\]\.sharedBlocks\[1\]: "keycloak" needs a postgresql database of its instance; share the database block instead$/),
      expect.stringMatching(/^7 clusters\[0\]\.sharedBlocks\[1\]: "keycloak" serves a hostname per instance/),
      expect.stringMatching(/^7 clusters\[0\]\.sharedBlocks\[2\]: unknown building block "nosuch"/),
      expect.stringMatching(/^13 instances\[0\]\.uses\[0\]: cluster "kind" does not share "mongodb"; its sharedBlocks are valkey, keycloak, nosuch$/),
    ]);
  });

  it('adds no shared stack to a cluster without shared blocks', () => {
    expect(buildStacks(configFromYaml(config('[]', '[]'))).shared.size).toBe(0);
  });
});
