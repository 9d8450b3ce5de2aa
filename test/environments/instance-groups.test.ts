import { ConfigError, parseConfig } from '../../config/load';
import { buildStacks, exampleWith, onlyResource, resources, synthJson } from '../fixtures';
import { stringify } from 'yaml';

const MEMBERS = [
  ['dss-aws', 'aws-main'],
  ['dss-azure', 'azure-main'],
  ['dss-gcp', 'gcp-main'],
] as const;
const DNS_ZONES: Record<string, object> = {
  'aws-main': { zoneId: 'Z0123456789ABC' },
  'azure-main': { resourceGroupName: 'dns' },
  'gcp-main': { managedZone: 'sandbox' },
};

/** The example config's aws, azure and gcp clusters with one pool member each, TCP exposure allowed and external-dns on. */
function pooled(change: (raw: any) => void = () => undefined) {
  return exampleWith((raw) => {
    for (const cluster of raw.clusters.filter((c: any) => DNS_ZONES[c.name])) {
      cluster.allowTcpExposure = true;
      cluster.platform = { ...cluster.platform, externalDns: DNS_ZONES[cluster.name] };
    }
    raw.instances = MEMBERS.map(([name, cluster]) => ({
      name,
      cluster,
      owner: 'dss-ops',
      blocks: ['valkey'],
      secrets: [{ name: 'dss-ca', from: { secretManager: 'interuss-dss-pool-ca' } }],
    }));
    raw.instanceGroups = [
      {
        name: 'dss',
        members: MEMBERS.map(([n]) => n),
        expose: { port: 26257, selector: { 'app.kubernetes.io/name': 'cockroachdb' } },
        ca: { secret: 'dss-ca' },
      },
    ];
    change(raw);
  });
}

/** Each member under its own cluster's ingress domain, which that cluster's external-dns serves. */
const HOST: Record<string, string> = {
  'dss-aws': 'dss-aws.dss.aws.sandbox.example.org',
  'dss-azure': 'dss-azure.dss.azure.sandbox.example.org',
  'dss-gcp': 'dss-gcp.dss.gcp.sandbox.example.org',
};
const JOIN = MEMBERS.map(([name]) => `${HOST[name]}:26257`);

describe('instance groups across clouds', () => {
  const stacks = buildStacks(pooled());
  const json = Object.fromEntries(
    MEMBERS.map(([name]) => [name, synthJson(stacks.instances.get(`instance-${name}`)!)]),
  );

  it.each(MEMBERS)('gives %s (on %s) the join list of every member and its own name, from the config alone', (name) => {
    const configMap = Object.values(resources(json[name], 'kubernetes_config_map_v1')).find(
      (c: any) => c.metadata.name === 'sandbox-pool',
    ) as any;
    expect(configMap.data).toEqual({ group: 'dss', self: `${HOST[name]}:26257`, join: JOIN.join(',') });
    expect(json[name].output?.pool_join.value).toEqual(JOIN);
    expect(JSON.stringify(json[name])).not.toMatch(/terraform_remote_state/);
  });

  it.each(MEMBERS)(
    'grants %s exactly one LoadBalancer on the pool port under its name, in quota, namespace and policy',
    (name) => {
      const service = onlyResource(json[name], 'kubernetes_service_v1');
      expect(service.metadata).toMatchObject({
        name: 'sandbox-pool-member',
        annotations: { 'external-dns.alpha.kubernetes.io/hostname': HOST[name] },
      });
      expect(service.spec.type).toBe('LoadBalancer');
      expect(service.spec.port).toEqual([{ name: 'pool', port: 26257, target_port: '26257', protocol: 'TCP' }]);
      const quota = onlyResource(json[name], 'kubernetes_resource_quota_v1').spec.hard;
      expect([quota['services.loadbalancers'], quota['services.nodeports']]).toEqual(['1', '1']);
      const ns = onlyResource(json[name], 'kubernetes_namespace_v1').metadata;
      expect(ns.labels['sandbox.dev/expose-tcp-port']).toBe('26257');
      expect(ns.annotations['sandbox.dev/pool-hostname']).toBe(HOST[name]);
      const policy = Object.values(resources(json[name], 'kubernetes_network_policy_v1')).find(
        (p: any) => p.metadata.name === 'allow-pool-tcp',
      ) as any;
      expect(policy.spec.ingress[0].ports).toEqual([{ port: '26257', protocol: 'TCP' }]);
    },
  );

  it.each(MEMBERS)(
    'issues %s a certificate from a CA Issuer on the group CA it brings from its secret manager',
    (name) => {
      const manifests = Object.values(resources(json[name], 'kubernetes_manifest')).map((m: any) => m.manifest);
      expect(manifests.find((m) => m.kind === 'Issuer')?.spec).toEqual({ ca: { secretName: 'dss-ca' } });
      const cert = manifests.find((m) => m.kind === 'Certificate' && m.metadata.name === 'pool-node-0');
      expect(cert.spec.dnsNames[0]).toBe(HOST[name]);
      expect(cert.spec.commonName).toBe('node');
      expect(cert.spec.issuerRef).toEqual({ kind: 'Issuer', name: 'pool-ca', group: 'cert-manager.io' });
      expect(manifests.find((m) => m.kind === 'ExternalSecret' && m.metadata.name === 'dss-ca')?.spec.dataFrom).toEqual(
        [{ extract: { key: 'interuss-dss-pool-ca' } }],
      );
    },
  );

  it('keeps the quota and the namespace of instances outside a group closed', () => {
    const other = synthJson(buildStacks().instances.values().next().value!);
    expect(onlyResource(other, 'kubernetes_resource_quota_v1').spec.hard['services.loadbalancers']).toBe('0');
    expect(Object.keys(resources(other, 'kubernetes_service_v1'))).toEqual([]);
  });

  it("names members under the group domain when every member cluster's external-dns zone serves it", () => {
    const sameCluster = buildStacks(
      pooled((raw) => {
        raw.instances[1].cluster = 'aws-main';
        raw.instanceGroups[0] = {
          ...raw.instanceGroups[0],
          members: ['dss-aws', 'dss-azure'],
          domain: 'pool.aws.sandbox.example.org',
        };
        raw.instances.pop();
      }),
    );
    expect(synthJson(sameCluster.instances.get('instance-dss-azure')!).output?.pool_join.value).toEqual([
      'dss-aws.dss.pool.aws.sandbox.example.org:26257',
      'dss-azure.dss.pool.aws.sandbox.example.org:26257',
    ]);
  });

  it('refuses members on clusters that do not allow TCP exposure or run no external-dns, and a domain outside a member zone, with the line', () => {
    const raw = JSON.parse(JSON.stringify(pooled()));
    raw.clusters.find((c: any) => c.name === 'azure-main').allowTcpExposure = false;
    delete raw.clusters.find((c: any) => c.name === 'gcp-main').platform.externalDns;
    raw.instanceGroups[0].domain = 'interuss.aws.sandbox.example.org';
    let messages: string[] = [];
    try {
      parseConfig(stringify(raw), 'groups.yaml');
    } catch (err) {
      messages = (err as ConfigError).issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
    }
    expect(messages).toEqual([
      expect.stringMatching(
        /^\d+ instanceGroups\[0\]\.members\[1\]: instance "dss-azure" is on cluster "azure-main", which does not allow TCP exposure; set allowTcpExposure: true/,
      ),
      expect.stringMatching(
        /^\d+ instanceGroups\[0\]\.members\[2\]: cluster "gcp-main" of instance "dss-gcp" runs no external-dns \(platform\.externalDns\), so nothing publishes dss-gcp\.dss\.interuss\.aws\.sandbox\.example\.org; run it, or give the member's node addresses/,
      ),
      expect.stringMatching(
        /^\d+ instanceGroups\[0\]\.domain: "interuss\.aws\.sandbox\.example\.org" is outside the zone of the external-dns of member clusters: cluster "azure-main" \(member "dss-azure"\) writes names under azure\.sandbox\.example\.org only/,
      ),
    ]);
  });

  it('refuses a member stack on a cluster without TCP exposure, whatever builds it', () => {
    const config = pooled();
    const unchecked = {
      ...config,
      clusters: config.clusters.map((c) => (c.name === 'aws-main' ? { ...c, allowTcpExposure: false } : c)),
    };
    expect(() => buildStacks(unchecked)).toThrow(
      /instance "dss-aws": cluster "aws-main" does not allow TCP exposure \(allowTcpExposure\), which instance group "dss" needs/,
    );
  });

  it('refuses a group named like an instance, whose hostnames that instance would own', () => {
    expect(() => pooled((raw) => (raw.instanceGroups[0].name = 'dss-aws'))).toThrow(
      /instanceGroups\[0\]\.name: "dss-aws" is the name of an instance/,
    );
  });

  it('refuses unknown members, a member in two groups and a member without the CA secret', () => {
    const raw = JSON.parse(JSON.stringify(pooled()));
    raw.instances[2].secrets = [];
    raw.instanceGroups.push({ ...raw.instanceGroups[0], name: 'again', members: ['dss-aws', 'nobody'] });
    let messages: string[] = [];
    try {
      parseConfig(stringify(raw), 'groups.yaml');
    } catch (err) {
      messages = (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    expect(messages).toEqual([
      'instanceGroups[0].members[2]: instance "dss-gcp" must bring the group\'s CA as secret "dss-ca" (instances[].secrets)',
      'instanceGroups[1].members[0]: instance "dss-aws" is already a member of instanceGroups[0]',
      'instanceGroups[1].members[1]: "nobody" is not a declared instance',
    ]);
  });
});
