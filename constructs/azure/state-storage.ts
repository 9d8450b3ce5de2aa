import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Construct } from 'constructs';

export interface AzureStateStorageProps {
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  readonly containerName: string;
  readonly location: string;
}

/**
 * A state container in a storage account that allows Entra ID only (no shared
 * keys), TLS 1.2, no public blobs, infrastructure encryption, and versioned
 * blobs with soft delete. Blob leases lock the state.
 */
export class AzureStateStorage extends Construct {
  readonly account: StorageAccount;

  constructor(scope: Construct, id: string, props: AzureStateStorageProps) {
    super(scope, id);
    const group = new ResourceGroup(this, 'ResourceGroup', { name: props.resourceGroupName, location: props.location });
    this.account = new StorageAccount(this, 'Account', {
      name: props.storageAccountName,
      resourceGroupName: group.name,
      location: props.location,
      accountTier: 'Standard',
      accountReplicationType: 'GZRS',
      minTlsVersion: 'TLS1_2',
      httpsTrafficOnlyEnabled: true,
      allowNestedItemsToBePublic: false,
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      infrastructureEncryptionEnabled: true,
      blobProperties: {
        versioningEnabled: true,
        deleteRetentionPolicy: { days: 30 },
        containerDeleteRetentionPolicy: { days: 30 },
      },
    });
    new StorageContainer(this, 'Container', {
      name: props.containerName,
      storageAccountId: this.account.id,
      containerAccessType: 'private',
    });
  }
}
