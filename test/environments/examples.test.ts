import { join } from 'path';
import { loadConfig } from '../../config/load';
import { buildStacks, onlyResource, resources, synthJson } from '../fixtures';

const example = (file: string) => buildStacks(loadConfig(join(__dirname, '..', '..', 'examples', file)));

describe('examples of real deployments', () => {
  it('InterUSS DSS: three protected members on three clouds, each with the pool join list and its TCP grant', () => {
    const stacks = example('dss.yaml');
    const join = ['dss-us-east.pool.aws', 'dss-eu-west.pool.azure', 'dss-eu-central.pool.gcp'].map(
      (m) => `${m}.dss.example.org:26257`,
    );
    for (const member of ['dss-us-east', 'dss-eu-west', 'dss-eu-central']) {
      const json = synthJson(stacks.instances.get(`instance-${member}`)!);
      expect(json.output?.pool_join.value).toEqual(join);
      expect(onlyResource(json, 'kubernetes_namespace_v1').metadata.labels['sandbox.dev/protected']).toBe('true');
      expect(onlyResource(json, 'kubernetes_service_v1').spec.type).toBe('LoadBalancer');
    }
  });

  it('DIGIT: one shared Kafka, reached by the instances that use it; a protected UAT and a file secret', () => {
    const stacks = example('digit.yaml');
    expect([...stacks.shared.keys()]).toEqual(['shared-digit']);
    const shared = synthJson(stacks.shared.get('shared-digit')!);
    expect((Object.values(resources(shared, 'helm_release')) as any[]).map((r) => `${r.namespace}/${r.name}`)).toEqual([
      'shared-kafka/kafka',
    ]);
    const uat = synthJson(stacks.instances.get('instance-digit-uat')!);
    expect(onlyResource(uat, 'kubernetes_namespace_v1').metadata.labels).toMatchObject({
      'sandbox.dev/uses-kafka': 'true',
      'sandbox.dev/protected': 'true',
    });
    expect((uat as any).variable.secret_file_partner_token.sensitive).toBe(true);
    const copy = (Object.values(resources(uat, 'kubernetes_manifest')) as any[]).find(
      (m) => m.manifest.kind === 'ExternalSecret' && m.manifest.metadata.name === 'shared-kafka-credentials',
    );
    expect(copy.manifest.spec.dataFrom).toEqual([{ extract: { key: 'kafka-credentials' } }]);
    const core = (Object.values(resources(uat, 'helm_release')) as any[]).find((r) => r.name === 'digit-core');
    expect(JSON.parse(core.values[0]).kafka.auth.existingSecret).toBe('shared-kafka-credentials');
    const feature = synthJson(stacks.instances.get('instance-digit-pgr-feature')!);
    expect(feature.output?.expires_at).toBeDefined();
  });

  it('GovStack: the payments building block lands on a cluster whose labels meet its requirements; the demo is protected', () => {
    const stacks = example('govstack.yaml');
    const demo = synthJson(stacks.instances.get('instance-govstack-demo')!);
    expect((Object.values(resources(demo, 'helm_release')) as any[]).map((r) => r.name)).toEqual(
      expect.arrayContaining(['payments-bb', 'keycloak', 'gateway']),
    );
    expect(demo.output?.protected.value).toBe(true);
    expect(synthJson(stacks.instances.get('instance-trial-civil-registry')!).output?.protected).toBeUndefined();
  });
});
