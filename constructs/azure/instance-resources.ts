import { DataAzurermKeyVault } from '@cdktf/provider-azurerm/lib/data-azurerm-key-vault';
import { DataAzurermKeyVaultKey } from '@cdktf/provider-azurerm/lib/data-azurerm-key-vault-key';
import { DataAzurermSubnet } from '@cdktf/provider-azurerm/lib/data-azurerm-subnet';
import { DataAzurermUserAssignedIdentity } from '@cdktf/provider-azurerm/lib/data-azurerm-user-assigned-identity';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { StorageQueue } from '@cdktf/provider-azurerm/lib/storage-queue';
import { StorageTable } from '@cdktf/provider-azurerm/lib/storage-table';
import { createHash } from 'crypto';
import { Construct } from 'constructs';
import type { InstanceCloudResourceKinds } from '../cloud-resources';
import { boundedName } from '../names';
import { azureInstanceDataNames } from './instance-data-key';
import { azureInstanceNames, azureNames } from './naming';
import { WorkloadIdentity } from './workload-identity';

/** Names of an instance's Azure resources; blocks are wired with `container`, `queue`, `table` and `account`. */
export interface AzureInstanceResourceNames {
  /** Storage account: 3-24 lower-case letters and digits, globally unique. */
  readonly account: string;
  /** Blob container: 3-63 lower-case letters, digits and single dashes. */
  readonly container?: string;
  /** Storage queue: the same rules as a container. */
  readonly queue?: string;
  /** Storage table: 3-63 letters and digits, starting with a letter. */
  readonly table?: string;
  /** The user-assigned identity of the instance's workloads. */
  readonly identity: string;
}

/**
 * Names derived from cluster and instance. The storage account name allows letters and digits only and is global,
 * so it always ends in a hash of `<cluster>/<instance>`: dropping the dashes alone would give `a-bc`/`d` and
 * `ab`/`c-d` the same name.
 */
export function azureInstanceResourceNames(
  clusterName: string,
  instanceName: string,
  kinds: InstanceCloudResourceKinds,
): AzureInstanceResourceNames {
  const hash = createHash('sha256').update(`${clusterName}/${instanceName}`).digest('hex').slice(0, 8);
  const alnum = (s: string) => s.replace(/[^a-z0-9]/g, '');
  const dashed = boundedName(['sandbox', instanceName.replace(/-+/g, '-')], 63);
  return {
    account: `st${alnum(clusterName + instanceName).slice(0, 14)}${hash}`,
    container: kinds.objectStorage ? dashed : undefined,
    queue: kinds.queue ? dashed : undefined,
    table: kinds.table ? boundedName(['sandbox', alnum(instanceName)], 63, '') : undefined,
    identity: azureInstanceNames(clusterName, instanceName).cloudIdentity,
  };
}

/** Azure Storage ip rules take single addresses, not /32 (or /31) prefixes. */
const storageIpRule = (cidr: string) => cidr.replace(/\/32$/, '');

export interface AzureInstanceResourcesProps extends InstanceCloudResourceKinds {
  readonly clusterName: string;
  readonly instanceName: string;
  readonly namespace: string;
  readonly location: string;
  /** The AKS cluster's OIDC issuer URL. */
  readonly oidcIssuerUrl: string;
  /** The service account of the instance's workloads that may use the resources. */
  readonly serviceAccountName: string;
  /**
   * Public addresses of the Terraform run: tables are created through the storage data plane, behind the
   * account's firewall. @default [] (the cluster's `keyVaultAllowedIpRanges` in the instance stack)
   */
  readonly allowedIpRanges?: readonly string[];
}

/**
 * An instance's own storage account holding a blob container, a queue and a table (one account: it costs nothing
 * idle, unlike a Service Bus namespace or a Cosmos DB account), encrypted with the cluster's instance data key
 * (queues and tables too), Entra ID only (no shared keys), TLS 1.2, no public blobs, and a firewall that lets in the
 * cluster's node subnet and the Terraform run only. A federated identity that only the instance's workload service
 * account can use holds the data-plane role of each resource on exactly that resource.
 */
export class AzureInstanceResources extends Construct {
  readonly names: AzureInstanceResourceNames;
  readonly account: StorageAccount;
  readonly identity: WorkloadIdentity;
  readonly container?: StorageContainer;
  readonly queue?: StorageQueue;
  readonly table?: StorageTable;

  constructor(scope: Construct, id: string, props: AzureInstanceResourcesProps) {
    super(scope, id);
    if (!props.objectStorage && !props.queue && !props.table)
      throw new Error(`AzureInstanceResources "${id}": ask for at least one of objectStorage, queue, table`);
    this.names = azureInstanceResourceNames(props.clusterName, props.instanceName, props);
    const cluster = azureNames(props.clusterName);
    const data = azureInstanceDataNames(props.clusterName);
    const placement = { resourceGroupName: cluster.resourceGroup, location: props.location };
    const vault = new DataAzurermKeyVault(this, 'Vault', {
      name: cluster.keyVault,
      resourceGroupName: cluster.resourceGroup,
    });
    const key = new DataAzurermKeyVaultKey(this, 'Key', { name: data.key, keyVaultId: vault.id });
    const keyUser = new DataAzurermUserAssignedIdentity(this, 'KeyUser', {
      name: data.identity,
      resourceGroupName: cluster.resourceGroup,
    });
    const nodes = new DataAzurermSubnet(this, 'NodeSubnet', {
      name: cluster.nodeSubnet,
      virtualNetworkName: cluster.vnet,
      resourceGroupName: cluster.resourceGroup,
    });

    this.account = new StorageAccount(this, 'Account', {
      ...placement,
      name: this.names.account,
      accountKind: 'StorageV2',
      accountTier: 'Standard',
      accountReplicationType: 'LRS',
      minTlsVersion: 'TLS1_2',
      httpsTrafficOnlyEnabled: true,
      allowNestedItemsToBePublic: false,
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      crossTenantReplicationEnabled: false,
      localUserEnabled: false,
      infrastructureEncryptionEnabled: true,
      queueEncryptionKeyType: 'Account',
      tableEncryptionKeyType: 'Account',
      identity: { type: 'UserAssigned', identityIds: [keyUser.id] },
      customerManagedKey: { keyVaultKeyId: key.versionlessId, userAssignedIdentityId: keyUser.id },
      // Service endpoints need public network access on; the firewall denies everything else.
      publicNetworkAccessEnabled: true,
      networkRules: {
        defaultAction: 'Deny',
        bypass: ['AzureServices'],
        virtualNetworkSubnetIds: [nodes.id],
        ipRules: (props.allowedIpRanges ?? []).map(storageIpRule),
      },
      sasPolicy: { expirationPeriod: '0.01:00:00', expirationAction: 'Block' },
      blobProperties: {
        versioningEnabled: true,
        deleteRetentionPolicy: { days: 7 },
        containerDeleteRetentionPolicy: { days: 7 },
      },
      queueProperties: { logging: { delete: true, read: true, write: true, version: '1.0', retentionPolicyDays: 7 } },
    });

    const roles: { role: string; scope: string }[] = [];
    if (this.names.container) {
      this.container = new StorageContainer(this, 'Container', {
        name: this.names.container,
        storageAccountId: this.account.id,
        containerAccessType: 'private',
      });
      roles.push({ role: 'Storage Blob Data Contributor', scope: this.container.id });
    }
    if (this.names.queue) {
      this.queue = new StorageQueue(this, 'Queue', { name: this.names.queue, storageAccountId: this.account.id });
      roles.push({ role: 'Storage Queue Data Contributor', scope: this.queue.id });
    }
    if (this.names.table) {
      this.table = new StorageTable(this, 'Table', { name: this.names.table, storageAccountName: this.account.name });
      roles.push({ role: 'Storage Table Data Contributor', scope: this.table.resourceManagerId });
    }
    this.identity = new WorkloadIdentity(this, 'Identity', {
      ...placement,
      name: this.names.identity,
      oidcIssuerUrl: props.oidcIssuerUrl,
      namespace: props.namespace,
      serviceAccount: props.serviceAccountName,
      roles,
    });
  }
}
