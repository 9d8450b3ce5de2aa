import { DataAzurermDnsZone } from '@cdktf/provider-azurerm/lib/data-azurerm-dns-zone';
import { DataAzurermResourceGroup } from '@cdktf/provider-azurerm/lib/data-azurerm-resource-group';
import { DiskEncryptionSet } from '@cdktf/provider-azurerm/lib/disk-encryption-set';
import { KeyVaultKey } from '@cdktf/provider-azurerm/lib/key-vault-key';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS, type ClusterFacts, type SandboxCluster } from '../cluster';
import { assertPublicAccessRanges } from '../public-api-access';
import { AksNodePool, validateAksPool, type AksNodePoolOptions } from './aks-node-pool';
import { aksFacts } from './cluster-facts';
import { SandboxKeyVault } from './key-vault';
import { azureNames } from './naming';
import type { AzureNetwork } from './network';
import { WorkloadIdentity } from './workload-identity';

export type AksNetworkPolicy = 'cilium' | 'calico';
export type AksUpgradeChannel = 'patch' | 'stable' | 'rapid' | 'node-image';

export interface AksClusterProps {
  readonly clusterName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly kubernetesVersion: string;
  readonly network: AzureNetwork;
  /** Entra ID tenant and groups granted cluster admin. */
  readonly tenantId: string;
  readonly adminGroupObjectIds: readonly string[];
  /** Cilium brings Azure CNI powered by Cilium as the data plane. @default 'cilium' */
  readonly networkPolicy?: AksNetworkPolicy;
  /** API server reachable only inside the VNet. @default true */
  readonly privateCluster?: boolean;
  /** CIDRs allowed to a public API server; required when privateCluster is false, refused otherwise. @default [] */
  readonly authorizedIpRanges?: readonly string[];
  /** Shortest prefix (widest range) accepted in authorizedIpRanges. @default 8 */
  readonly publicAccessMinPrefixLength?: number;
  /** @default 'patch' */
  readonly upgradeChannel?: AksUpgradeChannel;
  /** @default { vmSize: 'Standard_D2s_v5', minCount: 1, maxCount: 3 } */
  readonly systemPool?: { readonly vmSize?: string; readonly minCount?: number; readonly maxCount?: number };
  /** Public CIDRs allowed to Key Vault, e.g. where Terraform runs. @default [] */
  readonly keyVaultAllowedIpRanges?: readonly string[];
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** @default '<clusterName>.sandbox.internal' */
  readonly ingressDomain?: string;
  /** DNS zone external-dns may write to; creates its federated identity. @default - none */
  readonly externalDnsZone?: { readonly resourceGroupName: string; readonly zoneName: string };
}

/**
 * AKS with Entra ID RBAC and no local accounts, a private API server, CNI
 * overlay with an enforcing network policy engine, workload identity, Azure
 * Policy, monitoring, OS disks encrypted with a customer key, and Secrets in
 * etcd encrypted with a customer key through KMS.
 */
export class AksCluster extends Construct implements SandboxCluster {
  readonly clusterName: string;
  readonly cloud = 'azure' as const;
  declare readonly connection: ClusterFacts['connection'];
  declare readonly storage: ClusterFacts['storage'];
  declare readonly secretStore: ClusterFacts['secretStore'];
  declare readonly ingress: ClusterFacts['ingress'];
  declare readonly secretBackend: ClusterFacts['secretBackend'];
  declare readonly platformNeeds: ClusterFacts['platformNeeds'];

  readonly aks: KubernetesCluster;
  readonly keyVault: SandboxKeyVault;
  /** Holds the key that encrypts Secrets in etcd. */
  readonly etcdKeyVault: SandboxKeyVault;
  /** The control plane's identity, which KMS needs (a system-assigned one does not exist before the cluster). */
  readonly controlPlaneIdentity: UserAssignedIdentity;
  readonly secretOperator: WorkloadIdentity;
  readonly nodePools: AksNodePool[] = [];

  private readonly props: AksClusterProps;

  constructor(scope: Construct, id: string, props: AksClusterProps) {
    super(scope, id);
    const where = `AksCluster "${id}"`;
    const networkPolicy = props.networkPolicy ?? 'cilium';
    const privateCluster = props.privateCluster ?? true;
    const authorizedIpRanges = props.authorizedIpRanges ?? [];
    const upgradeChannel = props.upgradeChannel ?? 'patch';
    const system = { vmSize: 'Standard_D2s_v5', minCount: 1, maxCount: 3, ...props.systemPool };
    const logRetentionDays = props.logRetentionDays ?? 30;
    if (props.adminGroupObjectIds.length === 0)
      throw new Error(`${where}: adminGroupObjectIds must name at least one group`);
    if (privateCluster && authorizedIpRanges.length > 0) {
      throw new Error(
        `${where}: authorizedIpRanges apply to a public API server; set privateCluster to false to use them`,
      );
    }
    if (!privateCluster && authorizedIpRanges.length === 0) {
      throw new Error(
        `${where}: a public API server (privateCluster false) needs authorizedIpRanges; without them every address reaches it`,
      );
    }
    assertPublicAccessRanges(where, 'authorizedIpRanges', authorizedIpRanges, props.publicAccessMinPrefixLength);
    validateAksPool(`${where}: systemPool`, 'system', system.minCount, system.maxCount);
    if (logRetentionDays < 30 || logRetentionDays > 730) {
      throw new Error(`${where}: logRetentionDays must be between 30 and 730, got ${logRetentionDays}`);
    }

    const names = azureNames(props.clusterName);
    this.clusterName = props.clusterName;
    this.props = props;
    const placement = { resourceGroupName: props.resourceGroupName, location: props.location };

    const logs = new LogAnalyticsWorkspace(this, 'Logs', {
      ...placement,
      name: `log-${props.clusterName}`,
      sku: 'PerGB2018',
      retentionInDays: logRetentionDays,
    });

    this.keyVault = new SandboxKeyVault(this, 'KeyVault', {
      ...placement,
      name: names.keyVault,
      allowedSubnetIds: [props.network.nodeSubnet.id],
      allowedIpRanges: props.keyVaultAllowedIpRanges,
    });

    const diskKey = new KeyVaultKey(this, 'DiskKey', {
      name: 'disk-encryption',
      keyVaultId: this.keyVault.vault.id,
      keyType: 'RSA-HSM',
      keySize: 3072,
      keyOpts: ['wrapKey', 'unwrapKey'],
      rotationPolicy: { automatic: { timeBeforeExpiry: 'P30D' }, expireAfter: 'P1Y', notifyBeforeExpiry: 'P29D' },
    });
    const diskEncryption = new DiskEncryptionSet(this, 'DiskEncryptionSet', {
      ...placement,
      name: names.diskEncryptionSet,
      keyVaultKeyId: diskKey.versionlessId,
      autoKeyRotationEnabled: true,
      identity: { type: 'SystemAssigned' },
    });
    const desAccess = new RoleAssignment(this, 'DiskEncryptionKeyUser', {
      scope: this.keyVault.vault.id,
      roleDefinitionName: 'Key Vault Crypto Service Encryption User',
      principalId: diskEncryption.identity.principalId,
    });

    this.etcdKeyVault = new SandboxKeyVault(this, 'EtcdKeyVault', {
      ...placement,
      name: names.etcdKeyVault,
      allowedSubnetIds: [],
      networkAccess: 'public',
    });
    const etcdKey = new KeyVaultKey(this, 'EtcdKey', {
      name: 'etcd-encryption',
      keyVaultId: this.etcdKeyVault.vault.id,
      keyType: 'RSA-HSM',
      keySize: 3072,
      keyOpts: ['encrypt', 'decrypt'],
      rotationPolicy: { automatic: { timeBeforeExpiry: 'P30D' }, expireAfter: 'P1Y', notifyBeforeExpiry: 'P29D' },
    });
    this.controlPlaneIdentity = new UserAssignedIdentity(this, 'ControlPlaneIdentity', {
      ...placement,
      name: names.controlPlaneIdentity,
    });
    const etcdKeyAccess = new RoleAssignment(this, 'EtcdKeyUser', {
      scope: etcdKey.resourceVersionlessId,
      roleDefinitionName: 'Key Vault Crypto User',
      principalId: this.controlPlaneIdentity.principalId,
    });
    // A user-assigned control plane identity must be granted the node subnet, e.g. for internal load balancers.
    const subnetAccess = new RoleAssignment(this, 'NodeSubnetAccess', {
      scope: props.network.nodeSubnet.id,
      roleDefinitionName: 'Network Contributor',
      principalId: this.controlPlaneIdentity.principalId,
    });

    this.aks = new KubernetesCluster(this, 'Cluster', {
      ...placement,
      name: names.aksCluster,
      dnsPrefix: props.clusterName,
      kubernetesVersion: props.kubernetesVersion,
      skuTier: 'Free',
      automaticUpgradeChannel: upgradeChannel,
      nodeOsUpgradeChannel: 'NodeImage',
      privateClusterEnabled: privateCluster,
      apiServerAccessProfile: privateCluster ? undefined : { authorizedIpRanges: [...authorizedIpRanges] },
      localAccountDisabled: true,
      roleBasedAccessControlEnabled: true,
      azureActiveDirectoryRoleBasedAccessControl: {
        azureRbacEnabled: true,
        tenantId: props.tenantId,
        adminGroupObjectIds: [...props.adminGroupObjectIds],
      },
      oidcIssuerEnabled: true,
      workloadIdentityEnabled: true,
      azurePolicyEnabled: true,
      diskEncryptionSetId: diskEncryption.id,
      identity: { type: 'UserAssigned', identityIds: [this.controlPlaneIdentity.id] },
      keyManagementService: { keyVaultKeyId: etcdKey.id, keyVaultNetworkAccess: 'Public' },
      omsAgent: { logAnalyticsWorkspaceId: logs.id, msiAuthForMonitoringEnabled: true },
      keyVaultSecretsProvider: { secretRotationEnabled: true, secretRotationInterval: '2m' },
      networkProfile: {
        networkPlugin: 'azure',
        networkPluginMode: 'overlay',
        networkDataPlane: networkPolicy === 'cilium' ? 'cilium' : 'azure',
        networkPolicy,
        podCidr: props.network.podCidr,
        serviceCidr: props.network.serviceCidr,
        dnsServiceIp: props.network.dnsServiceIp,
        loadBalancerSku: 'standard',
        outboundType: 'loadBalancer',
      },
      defaultNodePool: {
        name: 'system',
        vmSize: system.vmSize,
        autoScalingEnabled: true,
        minCount: system.minCount,
        maxCount: system.maxCount,
        onlyCriticalAddonsEnabled: true,
        hostEncryptionEnabled: true,
        maxPods: 110,
        zones: ['1', '2', '3'],
        vnetSubnetId: props.network.nodeSubnet.id,
        orchestratorVersion: props.kubernetesVersion,
        temporaryNameForRotation: 'systemtmp',
        upgradeSettings: { maxSurge: '33%' },
      },
      lifecycle: { ignoreChanges: ['default_node_pool[0].node_count'] },
      dependsOn: [desAccess, etcdKeyAccess, subnetAccess],
    });

    this.secretOperator = new WorkloadIdentity(this, 'SecretOperator', {
      ...placement,
      name: names.secretOperatorIdentity,
      oidcIssuerUrl: this.aks.oidcIssuerUrl,
      namespace: PLATFORM_DEFAULTS.externalSecretsNamespace,
      serviceAccount: 'external-secrets',
      roles: [{ role: 'Key Vault Secrets User', scope: this.keyVault.vault.id }],
    });

    if (props.externalDnsZone) {
      const zone = new DataAzurermDnsZone(this, 'DnsZone', {
        name: props.externalDnsZone.zoneName,
        resourceGroupName: props.externalDnsZone.resourceGroupName,
      });
      const group = new DataAzurermResourceGroup(this, 'DnsZoneGroup', {
        name: props.externalDnsZone.resourceGroupName,
      });
      new WorkloadIdentity(this, 'ExternalDns', {
        ...placement,
        name: names.externalDnsIdentity,
        oidcIssuerUrl: this.aks.oidcIssuerUrl,
        namespace: 'external-dns',
        serviceAccount: 'external-dns',
        roles: [
          { role: 'DNS Zone Contributor', scope: zone.id },
          { role: 'Reader', scope: group.id },
        ],
      });
    }

    const kubeConfig = this.aks.kubeConfig.get(0);
    Object.assign(
      this,
      aksFacts({
        clusterName: props.clusterName,
        location: props.location,
        host: kubeConfig.host,
        clusterCaCertificate: kubeConfig.clusterCaCertificate,
        oidcIssuerUrl: this.aks.oidcIssuerUrl,
        ingressDomain: props.ingressDomain,
        externalDnsZone: props.externalDnsZone,
      }),
    );
  }

  /** Adds an autoscaling user node pool in the cluster's node subnet. */
  addNodePool(name: string, options: AksNodePoolOptions = {}): AksNodePool {
    const pool = new AksNodePool(this, name, {
      ...options,
      clusterId: this.aks.id,
      subnetId: this.props.network.nodeSubnet.id,
      orchestratorVersion: this.props.kubernetesVersion,
    });
    this.nodePools.push(pool);
    return pool;
  }
}
