import { Testing, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { AksCluster } from '../../constructs/azure/aks-cluster';
import { AzureNetwork } from '../../constructs/azure/network';
import { SandboxKeyVault } from '../../constructs/azure/key-vault';
import { buildStacks, exampleWith, onlyResource, resources, synthJson } from '../fixtures';

/** The resource of `type` whose construct path contains `fragment`. */
const byPath = (type: string, fragment: string) =>
  Object.entries(resources(json, type)).find(([id]) => id.includes(fragment))?.[1] as any;

const json = synthJson(buildStacks().clusters.get('cluster-azure-main')!);
const aks = onlyResource(json, 'azurerm_kubernetes_cluster');

function bare() {
  const s = new TerraformStack(Testing.app(), 'test');
  new AzurermProvider(s, 'azurerm', { features: [{}] });
  return s;
}
const network = (s: TerraformStack, extra = {}) =>
  new AzureNetwork(s, 'Net', { clusterName: 'c', resourceGroupName: 'rg', location: 'westeurope', ...extra });
const aksProps = (s: TerraformStack) => ({
  clusterName: 'c',
  resourceGroupName: 'rg',
  location: 'westeurope',
  kubernetesVersion: '1.33',
  network: network(s),
  tenantId: 't',
  adminGroupObjectIds: ['g'],
});

describe('Azure cluster stack', () => {
  it('matches the snapshot', () => {
    expect(json).toMatchSnapshot();
  });

  it('disables local accounts and uses Entra ID RBAC with the configured admin groups', () => {
    expect(aks.local_account_disabled).toBe(true);
    expect(aks.azure_active_directory_role_based_access_control).toEqual({
      azure_rbac_enabled: true,
      tenant_id: '00000000-0000-4000-8000-000000000001',
      admin_group_object_ids: ['00000000-0000-4000-8000-000000000002'],
    });
  });

  it('is a private cluster by default, with authorized ranges only when public', () => {
    expect(aks.private_cluster_enabled).toBe(true);
    expect(aks.api_server_access_profile).toBeUndefined();
    const pub = exampleWith((c) =>
      Object.assign(c.clusters[1], { privateCluster: false, authorizedIpRanges: ['203.0.113.0/24'] }),
    );
    const own = onlyResource(
      synthJson(buildStacks(pub).clusters.get('cluster-azure-main')!),
      'azurerm_kubernetes_cluster',
    );
    expect(own.private_cluster_enabled).toBe(false);
    expect(own.api_server_access_profile).toEqual({ authorized_ip_ranges: ['203.0.113.0/24'] });
  });

  it('uses CNI overlay with Cilium enforcing network policy', () => {
    expect(aks.network_profile).toMatchObject({
      network_plugin: 'azure',
      network_plugin_mode: 'overlay',
      network_data_plane: 'cilium',
      network_policy: 'cilium',
      pod_cidr: '10.244.0.0/16',
      service_cidr: '10.250.0.0/16',
      dns_service_ip: '10.250.0.10',
    });
  });

  it('enables OIDC issuer, workload identity, Azure Policy, monitoring and an upgrade channel', () => {
    expect(aks).toMatchObject({
      oidc_issuer_enabled: true,
      workload_identity_enabled: true,
      azure_policy_enabled: true,
      automatic_upgrade_channel: 'patch',
      node_os_upgrade_channel: 'NodeImage',
      oms_agent: {
        log_analytics_workspace_id: expect.stringMatching(/azurerm_log_analytics_workspace/),
        msi_auth_for_monitoring_enabled: true,
      },
      key_vault_secrets_provider: { secret_rotation_enabled: true, secret_rotation_interval: '2m' },
    });
  });

  it('keeps the system pool for critical add-ons and encrypts disks with a customer key', () => {
    expect(aks.default_node_pool).toMatchObject({
      name: 'system',
      only_critical_addons_enabled: true,
      host_encryption_enabled: true,
      auto_scaling_enabled: true,
    });
    expect(aks.disk_encryption_set_id).toMatch(/azurerm_disk_encryption_set/);
    expect(byPath('azurerm_key_vault_key', 'DiskKey')).toMatchObject({ key_type: 'RSA-HSM', key_size: 3072 });
  });

  it('encrypts Secrets in etcd with a rotating customer key through KMS, used by the control plane identity only', () => {
    const key = byPath('azurerm_key_vault_key', 'EtcdKey');
    expect(key).toMatchObject({
      key_type: 'RSA-HSM',
      key_size: 3072,
      key_opts: ['encrypt', 'decrypt'],
      rotation_policy: { expire_after: 'P1Y' },
    });
    expect(aks.key_management_service).toEqual({
      key_vault_key_id: expect.stringMatching(/azurerm_key_vault_key\.Cluster_EtcdKey_[0-9A-F]+\.id/),
      key_vault_network_access: 'Public',
    });
    expect(aks.identity).toEqual({
      type: 'UserAssigned',
      identity_ids: [expect.stringMatching(/azurerm_user_assigned_identity\.Cluster_ControlPlaneIdentity/)],
    });
    const cryptoUser = byPath('azurerm_role_assignment', 'EtcdKeyUser');
    expect(cryptoUser).toMatchObject({
      role_definition_name: 'Key Vault Crypto User',
      scope: expect.stringMatching(/Cluster_EtcdKey_[0-9A-F]+\.resource_versionless_id/),
    });
    expect(cryptoUser.principal_id).toMatch(/Cluster_ControlPlaneIdentity_[0-9A-F]+\.principal_id/);
    expect(aks.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/EtcdKeyUser/)]));
  });

  it('adds user pools with autoscaling, zones, labels and host encryption', () => {
    expect(onlyResource(json, 'azurerm_kubernetes_cluster_node_pool')).toMatchObject({
      name: 'general',
      mode: 'User',
      vm_size: 'Standard_D4s_v5',
      auto_scaling_enabled: true,
      min_count: 1,
      max_count: 5,
      zones: ['1', '2', '3'],
      host_encryption_enabled: true,
      os_disk_type: 'Managed',
      node_labels: { 'sandbox.dev/pool': 'general' },
    });
  });

  it('protects Key Vault: RBAC, purge protection, soft delete, deny-by-default firewall', () => {
    expect(byPath('azurerm_key_vault', 'Cluster_KeyVault')).toMatchObject({
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
      soft_delete_retention_days: 90,
      network_acls: {
        default_action: 'Deny',
        bypass: 'AzureServices',
        virtual_network_subnet_ids: [expect.stringMatching(/azurerm_subnet/)],
      },
    });
  });

  it('federates the secret operator identity to its own service account and lets it read secrets only', () => {
    expect(onlyResource(json, 'azurerm_federated_identity_credential')).toMatchObject({
      subject: 'system:serviceaccount:external-secrets:external-secrets',
      audience: ['api://AzureADTokenExchange'],
      issuer: expect.stringMatching(/oidc_issuer_url/),
    });
    const roles = Object.values(resources(json, 'azurerm_role_assignment'))
      .map((r: any) => r.role_definition_name)
      .sort();
    expect(roles).toEqual([
      'Key Vault Administrator',
      'Key Vault Administrator',
      'Key Vault Crypto Service Encryption User',
      'Key Vault Crypto Service Encryption User',
      'Key Vault Crypto User',
      'Key Vault Secrets User',
      'Network Contributor',
    ]);
  });

  it('tags every taggable resource', () => {
    const tagged = Object.values(json.resource!)
      .flatMap((byId) => Object.values(byId))
      .filter((r: any) => r.tags);
    expect(tagged.length).toBeGreaterThan(8);
    for (const r of tagged as any[])
      expect(r.tags).toMatchObject({ sandbox: 'sandboxkit', 'sandbox-cluster': 'azure-main' });
  });

  it('names its outputs', () => {
    expect(Object.keys(json.output!).sort()).toEqual([
      'cluster_name',
      'key_vault_uri',
      'oidc_issuer_url',
      'resource_group_name',
      'secret_operator_client_id',
    ]);
  });

  describe('validation', () => {
    it('refuses overlapping ranges, naming both', () => {
      expect(() => network(bare(), { podCidr: '10.10.0.0/16' })).toThrow(
        /AzureNetwork "Net": vnetCidr \(10.10.0.0\/16\) overlaps podCidr \(10.10.0.0\/16\)/,
      );
    });

    it('refuses a node subnet outside the VNet', () => {
      expect(() => network(bare(), { nodeSubnetCidr: '10.99.0.0/20' })).toThrow(
        /nodeSubnetCidr \(10.99.0.0\/20\) must lie inside vnetCidr/,
      );
    });

    it('refuses pool names Azure rejects and min above max', () => {
      const s = bare();
      const cluster = new AksCluster(s, 'Aks', aksProps(s));
      expect(() => cluster.addNodePool('General_Pool')).toThrow(
        /AksNodePool "General_Pool": name must be 1-12 lower-case letters and digits/,
      );
      expect(() => cluster.addNodePool('big', { minCount: 4, maxCount: 2 })).toThrow(
        /AksNodePool "big": minCount must be between 0 and maxCount \(2\), got 4/,
      );
    });

    it('refuses authorized ranges on a private cluster', () => {
      const s = bare();
      expect(() => new AksCluster(s, 'Aks', { ...aksProps(s), authorizedIpRanges: ['203.0.113.0/24'] })).toThrow(
        /authorizedIpRanges apply to a public API server/,
      );
    });

    it('refuses a public API server without authorized ranges, or with ranges wider than the bound', () => {
      const cluster = (props: Partial<ConstructorParameters<typeof AksCluster>[2]>) => {
        const s = bare();
        return () => new AksCluster(s, 'Aks', { ...aksProps(s), privateCluster: false, ...props });
      };
      expect(cluster({})).toThrow(
        /AksCluster "Aks": a public API server \(privateCluster false\) needs authorizedIpRanges/,
      );
      expect(cluster({ authorizedIpRanges: ['0.0.0.0/1', '128.0.0.0/1'] })).toThrow(
        /AksCluster "Aks": authorizedIpRanges\[0\] must not be wider than \/8, got 0.0.0.0\/1/,
      );
      expect(cluster({ authorizedIpRanges: ['198.51.100.0/24'], publicAccessMinPrefixLength: 28 })).toThrow(
        /authorizedIpRanges\[0\] must not be wider than \/28/,
      );
    });

    it('refuses Key Vault names Azure rejects', () => {
      const s = bare();
      expect(
        () =>
          new SandboxKeyVault(s, 'Kv', {
            name: 'kv_with_underscores',
            resourceGroupName: 'rg',
            location: 'westeurope',
            allowedSubnetIds: [],
          }),
      ).toThrow(/SandboxKeyVault "Kv": name must be 3-24 letters, digits and dashes/);
    });
  });
});
