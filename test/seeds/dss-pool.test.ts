import { dailyCost, PRICES } from '../../cli/cost';
import {
  buildStacks,
  configFromYaml,
  configIssues,
  onlyResource,
  resources,
  synthJson,
  type TerraformJson,
} from '../fixtures';

/*
 * DSS pooled per node: each member runs several CockroachDB nodes, each at an address of its own (a load balancer
 * per node, not per member), with per-node and SQL-client certificates from the group CA, the join list and
 * certificate names as injectable values, and members on existing clusters with addresses from the config.
 */

const CLUSTERS = `
clusters:
  - name: aws
    cloud: aws
    region: us-east-1
    kubernetesVersion: "1.33"
    adminPrincipalArns: [arn:aws:iam::111122223333:role/admin]
    ingressDomain: aws.dss.example.org
    allowProtectedInstances: true
    allowTcpExposure: true
    platform: { externalDns: { zoneId: Z0123456789DSS } }
  - name: onprem
    cloud: existing
    connection: { kind: kubeconfig, path: /tmp/kubeconfig, context: onprem }
    storageClasses: { blockRwo: standard }
    ingressDomain: onprem.dss.example.org
    allowProtectedInstances: true
    allowTcpExposure: true
catalog:
  - name: dss
    labels: { kind: dss, version: 0.15.0 }
    chart: { repository: oci://registry.example.org/interuss, name: dss, version: 0.15.0 }
    resources: { cpu: "2", memory: 4Gi }
    inject:
      poolJoin: cockroachdb.conf.join
      poolNodeAddresses: cockroachdb.advertiseAddresses
      poolNodeCertificates: cockroachdb.tls.nodeSecrets
      poolNodeCertificate: cockroachdb.tls.certs.nodeSecret
      poolClientCertificate: cockroachdb.tls.certs.clientRootSecret
      poolCaSecret: cockroachdb.tls.certs.caSecret
    images: [docker.io/interuss/dss:v0.15.0]
`;
const INSTANCES = `
instances:
  - { name: dss-us-east, cluster: aws, owner: uss-a, protected: true, size: large, blocks: [dss], secrets: [{ name: dss-ca, from: { secretManager: interuss/dss-pool-ca } }] }
  - { name: dss-onprem, cluster: onprem, owner: uss-b, protected: true, size: large, blocks: [dss], secrets: [{ name: dss-ca, from: { file: ca.json } }] }
`;
const GROUP = (
  members: string,
  expose = '{ port: 26257, nodes: 3, statefulSet: dss-cockroachdb, selector: { app.kubernetes.io/name: cockroachdb } }',
) => `
instanceGroups:
  - name: pool
    members: ${members}
    expose: ${expose}
    ca: { secret: dss-ca }
`;
const MEMBERS = '[dss-us-east, { instance: dss-onprem, addresses: [198.51.100.10, 198.51.100.11, 198.51.100.12] }]';

const AWS_NODES = [0, 1, 2].map((i) => `${i}.dss-us-east.pool.aws.dss.example.org`);
const ONPREM_NODES = ['198.51.100.10', '198.51.100.11', '198.51.100.12'];
const JOIN = [...AWS_NODES, ...ONPREM_NODES].map((a) => `${a}:26257`);

const manifests = (json: TerraformJson) =>
  Object.values<any>(resources(json, 'kubernetes_manifest')).map((m) => m.manifest);
const byName = (objects: any[]) => [...objects].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
const values = (json: TerraformJson) => JSON.parse(Object.values<any>(resources(json, 'helm_release'))[0].values[0]);

describe('DSS pooled per node', () => {
  const config = configFromYaml(`${CLUSTERS}${INSTANCES}${GROUP(MEMBERS)}`);
  const stacks = buildStacks(config);
  const aws = synthJson(stacks.instances.get('instance-dss-us-east')!);
  const onprem = synthJson(stacks.instances.get('instance-dss-onprem')!);

  it('gives each database node a load balancer of its own, under its own name, selecting its own pod', () => {
    const services = byName(Object.values<any>(resources(aws, 'kubernetes_service_v1')));
    expect(
      services.map((s) => [
        s.metadata.name,
        s.metadata.annotations['external-dns.alpha.kubernetes.io/hostname'],
        s.spec.selector['statefulset.kubernetes.io/pod-name'],
      ]),
    ).toEqual([
      ['sandbox-pool-member-0', AWS_NODES[0], 'dss-cockroachdb-0'],
      ['sandbox-pool-member-1', AWS_NODES[1], 'dss-cockroachdb-1'],
      ['sandbox-pool-member-2', AWS_NODES[2], 'dss-cockroachdb-2'],
    ]);
    for (const s of services) expect(s.spec.type).toBe('LoadBalancer');
    // The apply does not wait for an address nothing reads (a cluster without a load balancer controller never gives one).
    for (const s of services) expect(s.wait_for_load_balancer).toBe(false);
    expect(onlyResource(aws, 'kubernetes_resource_quota_v1').spec.hard['services.loadbalancers']).toBe('3');
    const ns = onlyResource(aws, 'kubernetes_namespace_v1').metadata;
    expect(ns.labels['sandbox.dev/expose-tcp-nodes']).toBe('3');
    expect(ns.annotations['sandbox.dev/pool-hostname']).toBe(AWS_NODES.join(','));
  });

  it('asks for the static addresses a member pins, names nodes by them, and needs no external-dns there', () => {
    const services = byName(Object.values<any>(resources(onprem, 'kubernetes_service_v1')));
    expect(services.map((s) => [s.metadata.name, s.spec.load_balancer_ip, s.metadata.annotations])).toEqual([
      ['sandbox-pool-member-0', ONPREM_NODES[0], undefined],
      ['sandbox-pool-member-1', ONPREM_NODES[1], undefined],
      ['sandbox-pool-member-2', ONPREM_NODES[2], undefined],
    ]);
    expect(onlyResource(onprem, 'kubernetes_namespace_v1').metadata.annotations['sandbox.dev/pool-addresses']).toBe(
      ONPREM_NODES.join(','),
    );
  });

  it('hands the join list of every node of every member, and the certificate names, to the block', () => {
    expect(values(aws).cockroachdb).toEqual({
      conf: { join: JOIN.join(',') },
      advertiseAddresses: AWS_NODES,
      tls: {
        nodeSecrets: ['pool-node-0-tls', 'pool-node-1-tls', 'pool-node-2-tls'],
        certs: { nodeSecret: 'pool-node-tls', clientRootSecret: 'pool-client-root-tls', caSecret: 'dss-ca' },
      },
    });
    expect(aws.output?.pool_join.value).toEqual(JOIN);
  });

  it('issues per-node certificates (CN node) and a SQL client certificate (CN root) from the group CA', () => {
    const certs = byName(manifests(onprem).filter((m) => m.kind === 'Certificate'));
    expect(certs.map((c) => [c.metadata.name, c.spec.commonName, c.spec.usages])).toEqual([
      ['pool-client-root', 'root', ['client auth']],
      ['pool-node', 'node', ['server auth', 'client auth']],
      ['pool-node-0', 'node', ['server auth', 'client auth']],
      ['pool-node-1', 'node', ['server auth', 'client auth']],
      ['pool-node-2', 'node', ['server auth', 'client auth']],
    ]);
    const node1 = certs.find((c) => c.metadata.name === 'pool-node-1');
    expect(node1.spec.ipAddresses).toEqual([ONPREM_NODES[1]]);
    expect(node1.spec.dnsNames).toEqual(
      expect.arrayContaining(['sandbox-pool-member-1.dss-onprem.svc.cluster.local', 'dss-cockroachdb-1']),
    );
    for (const c of certs)
      expect(c.spec.issuerRef).toEqual({ kind: 'Issuer', name: 'pool-ca', group: 'cert-manager.io' });
    expect(manifests(aws).find((m) => m.metadata?.name === 'pool-node-2').spec.dnsNames[0]).toBe(AWS_NODES[2]);
  });

  it("prices a member's load balancers, one per node", () => {
    const member = dailyCost(config.clusters[0], config.instances![0], config);
    const alone = dailyCost(config.clusters[0], { ...config.instances![0], name: 'alone' }, config);
    expect(member.usd! - alone.usd!).toBeCloseTo(3 * PRICES.aws.loadBalancerDay, 2);
  });

  it('refuses what cannot work: addresses on AWS, a count that is not the node count, several nodes without a StatefulSet, an existing member without addresses', () => {
    expect(
      configIssues(
        `${CLUSTERS}${INSTANCES}${GROUP('[{ instance: dss-us-east, addresses: [198.51.100.1] }, { instance: dss-onprem, addresses: [198.51.100.10, 198.51.100.11] }]')}`,
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /instanceGroups\[0\]\.members\[0\]\.addresses: instance "dss-us-east" is on AWS cluster "aws"/,
        ),
        expect.stringMatching(/instanceGroups\[0\]\.members\[1\]\.addresses: gives 2 addresses for 3 nodes/),
      ]),
    );
    expect(
      configIssues(
        `${CLUSTERS}${INSTANCES}${GROUP('[dss-us-east, dss-onprem]', '{ port: 26257, nodes: 3, selector: { app: db } }')}`,
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/instanceGroups\[0\]\.expose\.statefulSet: is required with 3 nodes/),
        expect.stringMatching(
          /instanceGroups\[0\]\.members\[1\]: cluster "onprem" of instance "dss-onprem" runs no external-dns.*give the member's node addresses/,
        ),
      ]),
    );
  });
});
