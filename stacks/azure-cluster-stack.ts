import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Aspects, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { AzureClusterConfig, StateBackendConfig } from '../config/types';
import { AksCluster } from '../constructs/azure/aks-cluster';
import { AzureInstanceDataKey } from '../constructs/azure/instance-data-key';
import { azureNames } from '../constructs/azure/naming';
import { AzureManagedDatabaseNetwork } from '../constructs/azure/managed-database-network';
import { AzureNetwork } from '../constructs/azure/network';
import { TagAspect } from '../constructs/tag-aspect';
import { configureBackend } from './backend';
import { azureDnsZone } from './cluster-lookup';
import { clusterStackName } from './names';
import { addCloudProvider, clusterTags } from './providers';

export interface AzureClusterStackProps {
  readonly cluster: AzureClusterConfig;
  readonly state: StateBackendConfig;
}

/** The long-lived Azure side: resource group, VNet, AKS with its pools, Key Vault and identities. */
export class AzureClusterStack extends TerraformStack {
  readonly cluster: AksCluster;

  constructor(scope: Construct, props: AzureClusterStackProps) {
    super(scope, clusterStackName(props.cluster.name));
    const config = props.cluster;
    const tags = clusterTags(config);
    configureBackend(this, props.state, { clusterName: config.name, stackName: this.node.id });
    addCloudProvider(this, config, tags);
    Aspects.of(this).add(new TagAspect(tags));

    const names = azureNames(config.name);
    const group = new ResourceGroup(this, 'ResourceGroup', { name: names.resourceGroup, location: config.location });
    const network = new AzureNetwork(this, 'Network', {
      clusterName: config.name,
      resourceGroupName: group.name,
      location: config.location,
      ...config.network,
    });
    this.cluster = new AksCluster(this, 'Cluster', {
      clusterName: config.name,
      resourceGroupName: group.name,
      location: config.location,
      kubernetesVersion: config.kubernetesVersion,
      network,
      tenantId: config.tenantId,
      adminGroupObjectIds: config.adminGroupObjectIds,
      networkPolicy: config.networkPolicy,
      privateCluster: config.privateCluster,
      authorizedIpRanges: config.authorizedIpRanges,
      publicAccessMinPrefixLength: config.publicAccessMinPrefixLength,
      upgradeChannel: config.upgradeChannel,
      systemPool: config.systemPool,
      keyVaultAllowedIpRanges: config.keyVaultAllowedIpRanges,
      logRetentionDays: config.logRetentionDays,
      ingressDomain: config.ingressDomain,
      externalDnsZone: azureDnsZone(config),
    });
    if (config.managedDatabases) {
      new AzureManagedDatabaseNetwork(this, 'ManagedDatabases', {
        clusterName: config.name,
        resourceGroupName: group.name,
        location: config.location,
        network,
        keyVaultId: this.cluster.keyVault.vault.id,
        cidr: config.managedDatabases.cidr,
        vnetCidr: config.network?.vnetCidr ?? '10.10.0.0/16',
      });
    }
    for (const pool of config.nodePools ?? [{ name: 'general' }]) {
      const { name, ...options } = pool;
      this.cluster.addNodePool(name, options);
    }
    new AzureInstanceDataKey(this, 'InstanceData', {
      clusterName: config.name,
      resourceGroupName: group.name,
      location: config.location,
      keyVaultId: this.cluster.keyVault.vault.id,
    });

    new TerraformOutput(this, 'resource_group_name', { value: group.name });
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.aks.name });
    new TerraformOutput(this, 'oidc_issuer_url', { value: this.cluster.aks.oidcIssuerUrl });
    new TerraformOutput(this, 'key_vault_uri', { value: this.cluster.keyVault.vault.vaultUri });
    new TerraformOutput(this, 'secret_operator_client_id', { value: this.cluster.secretOperator.clientId });
  }
}
