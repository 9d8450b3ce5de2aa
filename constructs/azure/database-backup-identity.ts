import { DataAzurermStorageAccount } from '@cdktf/provider-azurerm/lib/data-azurerm-storage-account';
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { boundedName } from '../names';
import { azureNames } from './naming';

export interface AzureDatabaseBackupIdentityProps {
  readonly clusterName: string;
  readonly instanceName: string;
  readonly namespace: string;
  /** The Kubernetes service account the backed-up block's pods run as. */
  readonly serviceAccount: string;
  readonly location: string;
  /** The AKS cluster's OIDC issuer URL. */
  readonly oidcIssuerUrl: string;
  /** The backup store: a storage account, its resource group, and the container. */
  readonly storageAccount: string;
  readonly resourceGroupName: string;
  readonly container: string;
  /** Blob path prefix (inside the container) the block writes its own backups under. @default - writes nothing */
  readonly writePrefix?: string;
  /** Blob path prefix of another instance's backups the block restores from, read only. @default - reads none */
  readonly readPrefix?: string;
}

const BLOBS = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';

/**
 * An ABAC condition (version 2.0) of a blob data role that keeps the role's `actions` (and listing) to blobs under
 * `prefix` of the container: the other blobs are outside the assignment however the role reads.
 */
export function blobPrefixCondition(prefix: string, actions: readonly string[]): string {
  const own = actions
    .map((a) =>
      a === 'read'
        ? `!(ActionMatches{'${BLOBS}/read'} AND NOT SubOperationMatches{'Blob.List'})`
        : `!(ActionMatches{'${BLOBS}/${a}'})`,
    )
    .join(' AND ');
  return [
    `((${own}) OR (@Resource[${BLOBS}:path] StringStartsWith '${prefix}/'))`,
    `((!(ActionMatches{'${BLOBS}/read'} AND SubOperationMatches{'Blob.List'})) OR (@Request[${BLOBS}:prefix] StringStartsWith '${prefix}/'))`,
  ].join(' AND ');
}

/**
 * The identity one backed-up block of an instance runs as on Azure (workload identity): it may read and write blobs
 * under the instance's own prefix of the backup container, read those under the prefix of the instance it restores
 * from, and nothing else of the container (role assignments with ABAC path conditions). Only the block's service
 * account in the instance's namespace can use it.
 */
export class AzureDatabaseBackupIdentity extends Construct {
  readonly clientId: string;

  constructor(scope: Construct, id: string, props: AzureDatabaseBackupIdentityProps) {
    super(scope, id);
    if (!props.writePrefix && !props.readPrefix)
      throw new Error(`AzureDatabaseBackupIdentity "${id}": give writePrefix, readPrefix or both`);
    const account = new DataAzurermStorageAccount(this, 'Account', {
      name: props.storageAccount,
      resourceGroupName: props.resourceGroupName,
    });
    const scopeId = `${account.id}/blobServices/default/containers/${props.container}`;
    const identity = new UserAssignedIdentity(this, 'Identity', {
      name: boundedName(['id', props.clusterName, props.instanceName, props.serviceAccount, 'backup'], 128),
      resourceGroupName: azureNames(props.clusterName).resourceGroup,
      location: props.location,
    });
    this.clientId = identity.clientId;
    new FederatedIdentityCredential(this, 'Federation', {
      name: `${props.namespace}-${props.serviceAccount}`,
      resourceGroupName: azureNames(props.clusterName).resourceGroup,
      parentId: identity.id,
      issuer: props.oidcIssuerUrl,
      subject: `system:serviceaccount:${props.namespace}:${props.serviceAccount}`,
      audience: ['api://AzureADTokenExchange'],
    });
    if (props.writePrefix)
      new RoleAssignment(this, 'Write', {
        scope: scopeId,
        roleDefinitionName: 'Storage Blob Data Contributor',
        principalId: identity.principalId,
        conditionVersion: '2.0',
        condition: blobPrefixCondition(props.writePrefix, ['read', 'write', 'add/action', 'delete']),
      });
    if (props.readPrefix)
      new RoleAssignment(this, 'Read', {
        scope: scopeId,
        roleDefinitionName: 'Storage Blob Data Reader',
        principalId: identity.principalId,
        conditionVersion: '2.0',
        condition: blobPrefixCondition(props.readPrefix, ['read']),
      });
  }
}
