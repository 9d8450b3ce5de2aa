import { join } from 'path';
import { ConfigError, loadConfig, parseConfig } from '../../config/load';
import { buildStacks, MINIMAL_YAML, resources, synthJson, type TerraformJson } from '../fixtures';

const stacks = buildStacks(loadConfig(join(__dirname, '..', '..', 'examples', 'everything.yaml')));
const platform = (cluster: string) => synthJson(stacks.platforms.get(`platform-${cluster}`)!);
const cluster = (name: string) => synthJson(stacks.clusters.get(`cluster-${name}`)!);
const externalDnsValues = (j: TerraformJson) =>
  JSON.parse(
    (Object.values(resources(j, 'helm_release')).find((r: any) => r.name === 'external-dns') as any).values[0],
  );

describe('external-dns', () => {
  it('writes only the cluster domain, owns its records, and syncs them away with their route', () => {
    expect(externalDnsValues(platform('aws-all'))).toMatchObject({
      sources: ['gateway-httproute', 'service'],
      enableGatewayListenerSets: true,
      domainFilters: ['aws.sandbox.example.org'],
      policy: 'sync',
      triggerLoopOnEvent: true,
      txtOwnerId: 'aws-all',
      provider: { name: 'aws' },
      extraArgs: ['--zone-id-filter=Z0123456789ABCDEFGHIJ'],
      serviceAccount: {
        create: true,
        name: 'external-dns',
        annotations: { 'eks.amazonaws.com/role-arn': expect.stringMatching(/data\.aws_iam_role/) },
      },
    });
  });

  it('on AWS, gets an IRSA role that changes records in the one hosted zone', () => {
    const docs = Object.entries(cluster('aws-all').data!.aws_iam_policy_document as Record<string, any>);
    const policy = docs.find(([id]) => id.includes('ExternalDnsRole_PolicyDocument'))![1];
    expect(policy.statement[0]).toEqual({
      actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets', 'route53:ListTagsForResource'],
      resources: [expect.stringMatching(/:route53:::hostedzone\/Z0123456789ABCDEFGHIJ$/)],
    });
    const trust = docs.find(([id]) => id.includes('ExternalDnsRole_Trust'))![1];
    expect(trust.statement[0].condition[0].values).toEqual(['system:serviceaccount:external-dns:external-dns']);
  });

  it('on Azure, federates an identity with DNS Zone Contributor on the zone and workload identity config', () => {
    const roles = Object.values(resources(cluster('azure-all'), 'azurerm_role_assignment')).map((r: any) => [
      r.role_definition_name,
      r.scope,
    ]);
    expect(roles).toEqual(
      expect.arrayContaining([
        ['DNS Zone Contributor', expect.stringMatching(/data\.azurerm_dns_zone/)],
        ['Reader', expect.stringMatching(/data\.azurerm_resource_group/)],
      ]),
    );
    const values = externalDnsValues(platform('azure-all'));
    expect(values).toMatchObject({ provider: { name: 'azure' }, podLabels: { 'azure.workload.identity/use': 'true' } });
    expect(values.secretConfiguration.data['azure.json']).toMatch(/useWorkloadIdentityExtension/);
  });

  it('on Google, binds a service account with dns.admin on the managed zone only', () => {
    const zoneIam = Object.values(resources(cluster('gcp-all'), 'google_dns_managed_zone_iam_member')) as any[];
    expect(zoneIam).toEqual([expect.objectContaining({ managed_zone: 'sandbox-example', role: 'roles/dns.admin' })]);
    expect(externalDnsValues(platform('gcp-all')).serviceAccount.annotations).toEqual({
      'iam.gke.io/gcp-service-account': 'gcp-all-dns@sandboxkit-demo.iam.gserviceaccount.com',
    });
  });

  it('is off unless configured', () => {
    expect(Object.values(resources(platform('gcp-autopilot'), 'helm_release')).map((r: any) => r.name)).not.toContain(
      'external-dns',
    );
  });

  it('refuses an existing cluster and the wrong zone field, naming the path', () => {
    const onExisting = MINIMAL_YAML.replace(
      'storageClasses:',
      'platform: { externalDns: { zoneId: Z0123456789 } }\n    storageClasses:',
    );
    expect(() => parseConfig(onExisting)).toThrow(ConfigError);
    expect(() => parseConfig(onExisting)).toThrow(
      /clusters\[0\]\.platform\.externalDns: external-dns needs a cloud DNS zone; cloud "existing" has none/,
    );
    const text = `
clusters:
  - { name: g, cloud: gcp, project: sandboxkit-demo, region: europe-west1, platform: { externalDns: { zoneId: Z0123456789 } } }
`;
    expect(() => parseConfig(text)).toThrow(
      /clusters\[0\]\.platform\.externalDns\.managedZone: is required on cloud "gcp"[\s\S]*externalDns\.zoneId: does not apply to cloud "gcp"; it needs managedZone/,
    );
  });
});
