import { Testing, TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { GkeCluster, NODE_ROLES } from '../../constructs/gcp/gke-cluster';
import { GkeNetwork } from '../../constructs/gcp/network';
import { GcpPlatformNeeds } from '../../constructs/gcp/platform-needs';
import { join } from 'path';
import { loadConfig } from '../../config/load';
import { buildStacks, exampleWith, onlyResource, resources, synthJson } from '../fixtures';

const json = synthJson(buildStacks().clusters.get('cluster-gcp-main')!);
const gke = onlyResource(json, 'google_container_cluster');

function bare() {
  const s = new TerraformStack(Testing.app(), 'test');
  new GoogleProvider(s, 'google', { project: 'p-12345', region: 'europe-west1' });
  return s;
}

describe('Google cluster stack', () => {
  it('matches the snapshot', () => {
    expect(json).toMatchSnapshot();
  });

  it('is VPC-native with secondary ranges, private nodes and Cloud NAT', () => {
    expect(onlyResource(json, 'google_compute_subnetwork')).toMatchObject({
      private_ip_google_access: true,
      secondary_ip_range: [
        { range_name: 'pods', ip_cidr_range: '10.24.0.0/14' },
        { range_name: 'services', ip_cidr_range: '10.28.0.0/20' },
      ],
      log_config: expect.objectContaining({ metadata: 'INCLUDE_ALL_METADATA' }),
    });
    expect(gke.networking_mode).toBe('VPC_NATIVE');
    expect(gke.private_cluster_config).toMatchObject({
      enable_private_nodes: true,
      enable_private_endpoint: true,
      master_ipv4_cidr_block: '172.16.0.0/28',
    });
    expect(onlyResource(json, 'google_compute_router_nat').source_subnetwork_ip_ranges_to_nat).toBe(
      'ALL_SUBNETWORKS_ALL_IP_RANGES',
    );
  });

  it('removes the default pool, uses Dataplane V2, workload identity and a release channel', () => {
    expect(gke).toMatchObject({
      remove_default_node_pool: true,
      datapath_provider: 'ADVANCED_DATAPATH',
      workload_identity_config: { workload_pool: 'sandboxkit-demo.svc.id.goog' },
      release_channel: { channel: 'REGULAR' },
      enable_shielded_nodes: true,
      enable_legacy_abac: false,
      master_auth: { client_certificate_config: { issue_client_certificate: false } },
    });
  });

  it('encrypts Secrets at the application layer with a rotating Cloud KMS key', () => {
    expect(gke.database_encryption).toEqual({
      state: 'ENCRYPTED',
      key_name: expect.stringMatching(/google_kms_crypto_key\.Cluster_Keys_gke-secrets/),
    });
    for (const key of Object.values(resources(json, 'google_kms_crypto_key')) as any[])
      expect(key.rotation_period).toBe('7776000s');
  });

  it('turns logging and monitoring on', () => {
    expect(gke.logging_config.enable_components).toEqual(['SYSTEM_COMPONENTS', 'WORKLOADS', 'APISERVER']);
    expect(gke.monitoring_config).toMatchObject({ managed_prometheus: { enabled: true } });
  });

  it('runs node pools on shielded COS nodes with the GKE metadata server, repair and upgrade', () => {
    const pool = onlyResource(json, 'google_container_node_pool');
    expect(pool.autoscaling).toMatchObject({ min_node_count: 1, max_node_count: 3 });
    expect(pool.management).toEqual({ auto_repair: true, auto_upgrade: true });
    expect(pool.node_config).toMatchObject({
      image_type: 'COS_CONTAINERD',
      machine_type: 'e2-standard-4',
      shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
      workload_metadata_config: { mode: 'GKE_METADATA' },
      metadata: { 'disable-legacy-endpoints': 'true' },
      boot_disk_kms_key: expect.stringMatching(/Cluster_Keys_disks/),
    });
  });

  it('gives nodes a dedicated service account with only the roles nodes need', () => {
    const roles = Object.values(resources(json, 'google_project_iam_member'))
      .filter((m: any) => m.member.includes('NodeServiceAccount'))
      .map((m: any) => m.role);
    expect(roles).toEqual([...NODE_ROLES]);
  });

  it('binds the secret operator to a Kubernetes service account named after this cluster, and to this cluster secrets only', () => {
    expect(onlyResource(json, 'google_service_account_iam_member')).toMatchObject({
      role: 'roles/iam.workloadIdentityUser',
      member: 'serviceAccount:sandboxkit-demo.svc.id.goog[external-secrets/external-secrets-gcp-main]',
    });
    const access = Object.values(resources(json, 'google_project_iam_member')).find(
      (m: any) => m.role === 'roles/secretmanager.secretAccessor',
    ) as any;
    expect(access.condition.expression).toMatch(
      /^resource\.name\.startsWith\("projects\/\$\{data\.google_project\.[^}]+\.number\}\/secrets\/sandbox-gcp-main_"\)$/,
    );
  });

  it('gives clusters of one project identities of their own, which their workload identity pool cannot confuse', () => {
    const everything = buildStacks(loadConfig(join(__dirname, '..', '..', 'examples', 'everything.yaml')));
    const members = ['cluster-gcp-all', 'cluster-gcp-autopilot'].flatMap((name) =>
      Object.values(resources(synthJson(everything.clusters.get(name)!), 'google_service_account_iam_member')).map(
        (m: any) => m.member,
      ),
    );
    expect(members.sort()).toEqual([
      'serviceAccount:sandboxkit-demo.svc.id.goog[external-dns/external-dns-gcp-all]',
      'serviceAccount:sandboxkit-demo.svc.id.goog[external-secrets/external-secrets-gcp-all]',
      'serviceAccount:sandboxkit-demo.svc.id.goog[external-secrets/external-secrets-gcp-autopilot]',
    ]);
    expect(new Set(members).size).toBe(members.length);
    const dns = new GcpPlatformNeeds({
      clusterName: 'gcp-all',
      project: 'sandboxkit-demo',
      region: 'europe-west1',
      externalDnsZone: 'z',
    }).externalDns();
    expect(dns?.serviceAccount).toMatchObject({ name: 'external-dns-gcp-all' });
  });

  it('offers Filestore RWX storage only when asked', () => {
    expect(gke.addons_config.gcp_filestore_csi_driver_config).toEqual({ enabled: false });
    const own = synthJson(
      buildStacks(exampleWith((c) => (c.clusters[2].filestore = true))).clusters.get('cluster-gcp-main')!,
    );
    expect(onlyResource(own, 'google_container_cluster').addons_config.gcp_filestore_csi_driver_config).toEqual({
      enabled: true,
    });
  });

  it('runs Autopilot without node pools when asked', () => {
    const own = synthJson(
      buildStacks(exampleWith((c) => (c.clusters[2].mode = 'autopilot'))).clusters.get('cluster-gcp-main')!,
    );
    expect(onlyResource(own, 'google_container_cluster').enable_autopilot).toBe(true);
    expect(resources(own, 'google_container_node_pool')).toEqual({});
  });

  it('labels the cluster with sandbox, cluster and owner', () => {
    expect(gke.resource_labels).toMatchObject({
      sandbox: 'sandboxkit',
      'sandbox-cluster': 'gcp-main',
      owner: 'platform',
    });
  });

  describe('validation', () => {
    const net = (s: TerraformStack, extra = {}) =>
      new GkeNetwork(s, 'Net', { clusterName: 'c', region: 'europe-west1', ...extra });

    it('refuses overlapping ranges, naming both', () => {
      expect(() => net(bare(), { podCidr: '10.20.0.0/14' })).toThrow(
        /GkeNetwork "Net": nodeCidr \(10.20.0.0\/20\) overlaps podCidr \(10.20.0.0\/14\)/,
      );
    });

    it('refuses a control-plane range that is not a /28', () => {
      expect(() => net(bare(), { masterCidr: '172.16.0.0/24' })).toThrow(
        /masterCidr must be a \/28, got 172.16.0.0\/24/,
      );
    });

    it('refuses names Google rejects and pool sizes out of order', () => {
      const s = bare();
      const props = { project: 'p-12345', region: 'europe-west1', network: net(s) };
      expect(() => new GkeCluster(s, 'Bad', { ...props, clusterName: '9lives' })).toThrow(
        /clusterName must be 1-40 lower-case letters/,
      );
      const cluster = new GkeCluster(s, 'Gke', { ...props, clusterName: 'c' });
      expect(() => cluster.addNodePool('pool', { minCount: 5, maxCount: 1 })).toThrow(
        /GkeNodePool "pool": minCount must be between 0 and maxCount \(1\), got 5/,
      );
    });

    it('refuses a public endpoint without authorized networks, or with networks wider than the bound', () => {
      const cluster = (props: object) => {
        const s = bare();
        return () =>
          new GkeCluster(s, 'Gke', {
            clusterName: 'c',
            project: 'p-12345',
            region: 'europe-west1',
            network: net(s),
            privateEndpoint: false,
            ...props,
          });
      };
      expect(cluster({})).toThrow(
        /GkeCluster "Gke": a public control-plane endpoint \(privateEndpoint false\) needs masterAuthorizedNetworks/,
      );
      expect(
        cluster({
          masterAuthorizedNetworks: [
            { cidr: '0.0.0.0/1', name: 'a' },
            { cidr: '128.0.0.0/1', name: 'b' },
          ],
        }),
      ).toThrow(/masterAuthorizedNetworks\[0\] must not be wider than \/8, got 0.0.0.0\/1/);
      expect(cluster({ masterAuthorizedNetworks: [{ cidr: '203.0.113.0/24', name: 'office' }] })).not.toThrow();
    });

    it('refuses node pools on Autopilot', () => {
      const s = bare();
      const cluster = new GkeCluster(s, 'Gke', {
        clusterName: 'c',
        project: 'p-12345',
        region: 'europe-west1',
        network: net(s),
        mode: 'autopilot',
      });
      expect(() => cluster.addNodePool('extra')).toThrow(/an Autopilot cluster has no node pools to add \("extra"\)/);
    });
  });
});
