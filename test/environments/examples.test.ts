import { join } from 'path';
import { loadConfig } from '../../config/load';
import type { TerraformStack } from 'cdktf';
import { buildStacks, onlyResource, resources, synthJson, type TerraformJson } from '../fixtures';

const example = (file: string) => buildStacks(loadConfig(join(__dirname, '..', '..', 'examples', file)));
const releases = (json: TerraformJson) => Object.values<any>(resources(json, 'helm_release'));
const values = (json: TerraformJson, name: string) => JSON.parse(releases(json).find((r) => r.name === name).values[0]);
const warnings = (stack: TerraformStack) =>
  stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));

describe('the seeds as examples', () => {
  it('DIGIT: built-in Kafka shared on the cluster or in the instance, OpenSearch, a protected UAT from a template', () => {
    const stacks = example('digit.yaml');
    const shared = synthJson(stacks.shared.get('shared-digit')!);
    expect(releases(shared).map((r) => `${r.namespace}/${r.name}`)).toEqual(['shared-kafka/kafka']);
    expect(values(shared, 'kafka').topics.map((t: any) => t.name)).toContain('save-pgr-request');
    const platform = synthJson(stacks.platforms.get('platform-digit')!);
    expect(releases(platform).map((r) => r.name)).toContain('strimzi');

    const uat = synthJson(stacks.instances.get('instance-digit-uat')!);
    expect(uat.output?.protected.value).toBe(true);
    expect(releases(uat).map((r) => r.name)).toEqual(
      expect.arrayContaining(['opensearch', 'opensearch-dashboards', 'egov-user', 'pgr-services', 'digit-gateway']),
    );
    expect(values(uat, 'egov-user').kafka).toEqual({
      bootstrapServers: 'kafka-kafka-bootstrap.shared-kafka.svc.cluster.local:9092',
      user: 'kafka-client',
      passwordSecret: 'shared-kafka-credentials',
      passwordKey: 'client-password',
    });
    // Every service adds its own route to the DIGIT gateway, under its own name.
    expect(Object.keys(values(uat, 'digit-gateway').routes).sort()).toEqual(['egov-mdms', 'egov-user', 'pgr-services']);
    expect((uat as any).variable.secret_file_partner_token.sensitive).toBe(true);

    const feature = synthJson(stacks.instances.get('instance-digit-pgr-feature')!);
    expect(values(feature, 'egov-user').kafka.bootstrapServers).toBe(
      'kafka-kafka-bootstrap.digit-pgr-feature.svc.cluster.local:9092',
    );
    expect(values(feature, 'postgresql').mode).toBe('recovery');
    expect(onlyResource(feature, 'kubernetes_namespace_v1').metadata.annotations['sandbox.dev/working-hours']).toBe(
      'Mon-Fri 08:00-20:00 Asia/Kolkata',
    );
    for (const name of ['instance-digit-uat', 'instance-digit-pgr-feature'])
      expect(warnings(stacks.instances.get(name)!).filter((w) => /takes output|can use/.test(w))).toEqual([]);
  });

  it('DSS: four protected members on three clouds and a site, three nodes each, one join list of twelve nodes', () => {
    const stacks = example('dss.yaml');
    const cloudNodes = (member: string, domain: string) => [0, 1, 2].map((i) => `${i}.${member}.pool.${domain}:26257`);
    const join = [
      ...cloudNodes('dss-us-east', 'aws.dss.example.org'),
      ...cloudNodes('dss-eu-west', 'azure.dss.example.org'),
      ...cloudNodes('dss-eu-central', 'gcp.dss.example.org'),
      ...['198.51.100.10', '198.51.100.11', '198.51.100.12'].map((a) => `${a}:26257`),
    ];
    for (const member of ['dss-us-east', 'dss-eu-west', 'dss-eu-central', 'dss-onprem']) {
      const json = synthJson(stacks.instances.get(`instance-${member}`)!);
      expect(json.output?.pool_join.value).toEqual(join);
      expect(onlyResource(json, 'kubernetes_namespace_v1').metadata.labels['sandbox.dev/protected']).toBe('true');
      expect(Object.values<any>(resources(json, 'kubernetes_service_v1')).map((s) => s.spec.type)).toEqual([
        'LoadBalancer',
        'LoadBalancer',
        'LoadBalancer',
      ]);
      expect(values(json, 'dss').cockroachdb.conf.join).toBe(join.join(','));
    }
    const onprem = synthJson(stacks.instances.get('instance-dss-onprem')!);
    expect(onlyResource(onprem, 'kubernetes_secret_v1').data).toBe('${jsondecode(var.secret_file_dss_ca)}');
  });

  it('GovStack: a shared Keycloak with its database and hostname, building blocks from composed templates', () => {
    const stacks = example('govstack.yaml');
    const shared = synthJson(stacks.shared.get('shared-govstack')!);
    expect(values(shared, 'keycloak').database.hostname).toBe('postgresql-rw.shared-postgresql.svc.cluster.local');
    const demo = synthJson(stacks.instances.get('instance-govstack-demo')!);
    expect(releases(demo).map((r) => r.name)).toEqual(
      expect.arrayContaining(['payments-bb', 'registration-bb', 'messaging', 'gateway', 'mongodb']),
    );
    expect(demo.output?.protected.value).toBe(true);
    expect(values(demo, 'payments-bb').identity.issuer).toBe('https://keycloak.shared.govstack.sandbox.example.org');
    expect(values(demo, 'mysql').backup.enabled).toBe(true);
    const trial = synthJson(stacks.instances.get('instance-trial-civil-registry')!);
    expect(trial.output?.protected).toBeUndefined();
    expect(releases(trial).map((r) => r.name)).not.toContain('payments-bb');
    expect(values(synthJson(stacks.instances.get('instance-trial-restore')!), 'mongodb').restore.enabled).toBe(true);
  });

  it('LambdaStack: offline, with Kafka and OpenSearch from the bundle and backups to the site store', () => {
    const stacks = example('lambdastack.yaml');
    const analytics = synthJson(stacks.instances.get('instance-analytics')!);
    expect(releases(analytics).map((r) => r.name)).toEqual(
      expect.arrayContaining(['kafka', 'opensearch', 'opensearch-dashboards', 'mysql']),
    );
    expect(values(analytics, 'kafka').global).toEqual({ imageRegistry: 'registry.lambdastack.internal:5000' });
    expect(values(analytics, 'mysql').backup.remote).toMatchObject({ type: 's3', provider: 'Other' });
    const platform = synthJson(stacks.platforms.get('platform-onprem')!);
    expect(values(platform, 'strimzi').defaultImageRegistry).toBe('registry.lambdastack.internal:5000');
  });
});
