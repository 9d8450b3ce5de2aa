import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { mergeCatalog } from '../../constructs/catalog/merge';
import type { CatalogEntry } from '../../constructs/catalog/types';
import { planInstance, type InstancePlanProps } from '../../constructs/instance/instance-plan';
import type { ManagedDatabase } from '../../constructs/instance/managed-database';
import { SIZE_PROFILES } from '../../constructs/instance/size-profile';

// The plan reads facts, not constructs: no stack, no provider, no synthesis in this file.
const cluster = {
  clusterName: 'kind',
  cloud: 'existing' as const,
  storage: { blockRwo: 'standard' },
  ingress: { domain: 'kind.example' },
};
const legacy: CatalogEntry = {
  name: 'legacy',
  labels: { kind: 'app' },
  chart: { repository: 'https://charts.example.org', name: 'legacy', version: '1.0.0' },
  resources: { cpu: '100m', memory: '128Mi' },
  images: ['example.org/legacy:1.0.0'],
  podSecurity: { level: 'baseline', reason: 'changes the owner of its volume at start' },
};
const catalog = mergeCatalog(BUILTIN_CATALOG, [legacy]);
const plan = (props: Partial<InstancePlanProps> = {}) =>
  planInstance({ cluster, instanceName: 'demo', owner: 'dev', blocks: [{ name: 'postgresql' }], catalog, ...props });
const managed: ManagedDatabase = {
  engine: 'postgresql',
  version: '17',
  host: 'db.internal.example',
  port: 5432,
  egressCidr: '10.0.0.0/16',
  admin: { key: 'sandbox/kind/demo/db', provider: {}, serviceAccountAnnotations: {} },
};

describe('planInstance', () => {
  it('applies the defaults: namespace, TTL, size and its quota', () => {
    const p = plan();
    expect([p.name, p.namespace, p.ttlHours, p.size]).toEqual(['demo', 'demo', 48, 'small']);
    expect(p.quota).toEqual(SIZE_PROFILES.small);
    expect(plan({ namespace: 'team-a', size: 'medium', quota: { pods: 12 } })).toMatchObject({
      namespace: 'team-a',
      quota: { ...SIZE_PROFILES.medium, pods: 12 },
    });
  });

  it('orders blocks after the blocks they strongly require, whatever order they are listed in', () => {
    const p = plan({ blocks: [{ name: 'keycloak' }, { name: 'postgresql' }] });
    expect(p.inputs.map((b) => b.name)).toEqual(['keycloak', 'postgresql']);
    expect(p.blocks.map((b) => b.name)).toEqual(['postgresql', 'keycloak']);
    expect(p.blocks.find((b) => b.name === 'keycloak')!.dependsOn).toEqual(['postgresql']);
  });

  it('grants a consumer its own database and user on the provider, and wires both blocks', () => {
    const p = plan({ blocks: [{ name: 'keycloak' }, { name: 'postgresql' }] });
    const grant = p.grants.get('keycloak')!;
    expect(grant.provider?.name).toBe('postgresql');
    expect(grant.secret).toBe('keycloak-database');
    expect(grant.facts.databaseHost).toBe('postgresql-rw.demo.svc.cluster.local');
    const [postgresql, keycloak] = p.blocks.map((b) => b.releaseValues as any);
    expect(postgresql.cluster.roles).toContainEqual(
      expect.objectContaining({ name: 'keycloak', passwordSecret: { name: 'keycloak-database' } }),
    );
    expect(postgresql.databases).toContainEqual({ name: 'keycloak', owner: 'keycloak' });
    expect(keycloak.database).toMatchObject({
      hostname: 'postgresql-rw.demo.svc.cluster.local',
      existingSecret: 'keycloak-database',
      database: 'keycloak',
    });
    expect(p.credentials.map((c) => c.name)).toEqual(['keycloak-credentials', 'keycloak-database']);
    expect(p.managedConsumers).toEqual([]);
  });

  it('puts a consumer on the managed server when the instance has one, and never installs the server', () => {
    const p = plan({ blocks: [{ name: 'keycloak' }], managedDatabase: managed });
    expect(p.blocks.map((b) => [b.name, b.dependsOn])).toEqual([['keycloak', []]]);
    expect(p.grants.get('keycloak')!.provider).toBeUndefined();
    expect(p.managedConsumers).toEqual([{ user: 'keycloak', secret: 'keycloak-database', databases: ['keycloak'] }]);
    expect((p.blocks[0].releaseValues as any).database.hostname).toBe('db.internal.example');
  });

  it('refuses an instance whose blocks do not fit its quota, before any resource exists', () => {
    expect(() => plan({ blocks: [{ name: 'postgresql' }, { name: 'keycloak' }], quota: { cpu: '500m' } })).toThrow(
      /^SandboxInstance "demo": 2 blocks, 0 mocks and 0 seed jobs need .*\(over: requests\.cpu, limits\.cpu\)/,
    );
  });

  it('gives the construct messages for bad input', () => {
    const blocks = [{ name: 'postgresql' }, { name: 'keycloak' }];
    expect(() => plan({ blocks: [{ name: 'nope' as never }] })).toThrow(
      /SandboxInstance "demo": blocks\[0\] is "nope", which is not in the catalog \(/,
    );
    expect(() => plan({ ttlHours: 0 })).toThrow('SandboxInstance "demo": ttlHours must be a whole number');
    expect(() => plan({ blocks, secrets: [{ name: 'keycloak-database', from: { file: 'x' } }] })).toThrow(
      'secrets[0] "keycloak-database" is the name of another Secret of the instance; choose another name',
    );
  });

  it('returns warnings as sentences instead of adding them to a construct', () => {
    const p = plan({ blocks: [{ name: 'mongodb' }, { name: 'messaging' }] });
    expect(p.warnings).toContain(
      'SandboxInstance "demo": block "messaging" can use smtpUrl, smsApiUrl, which the instance does not provide ' +
        '(add the matching mocks)',
    );
    expect(p.warnings.some((w) => /block "messaging" works better with metrics scraping/.test(w))).toBe(true);
    expect(plan({ blocks: [{ name: 'valkey' }], managedDatabase: managed }).warnings).toContain(
      'SandboxInstance "demo": no block needs a postgresql database, yet the instance has a managed one',
    );
  });

  it('wires mock endpoints from the namespace alone', () => {
    const p = plan({
      namespace: 'team-a',
      blocks: [{ name: 'mongodb' }, { name: 'messaging' }],
      mocks: ['email', 'sms'],
    });
    expect(p.mockEndpoints.smtpUrl).toBe('smtp://mock-email.team-a.svc.cluster.local:1025');
    const messaging = p.blocks.find((b) => b.name === 'messaging')!.releaseValues as any;
    expect(messaging.extraEnv.map((e: { value: string }) => e.value)).toEqual([
      'smtp://mock-email.team-a.svc.cluster.local:1025',
      'http://mock-sms.team-a.svc.cluster.local:8080',
    ]);
    expect(p.warnings.filter((w) => w.includes('can use'))).toEqual([]);
  });

  it('enforces the restricted Pod Security level unless a block lowers it, naming the block and its reason', () => {
    expect(plan().podSecurity).toEqual({ level: 'restricted', loweredBy: [] });
    expect(plan({ blocks: [{ name: 'postgresql' }, { name: 'legacy' }] }).podSecurity).toEqual({
      level: 'baseline',
      loweredBy: [{ block: 'legacy', reason: 'changes the owner of its volume at start' }],
    });
  });

  it('labels the namespace for each shared block it uses and tells generated Secrets from brought ones', () => {
    const p = plan({
      uses: ['keycloak', 'keycloak'],
      secrets: [{ name: 'api-token', from: { secretManager: 'sandbox/kind/demo/api-token' } }],
    });
    expect(p.uses).toEqual(['keycloak']);
    expect(p.grantLabels).toEqual({ 'sandbox.dev/uses-keycloak': 'true' });
    expect(p.generatedSecrets).not.toContain('api-token');
    expect(p.broughtSecrets.map((s) => s.name)).toEqual(['api-token']);
  });
});
