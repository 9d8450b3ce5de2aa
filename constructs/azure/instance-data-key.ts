import { KeyVaultKey } from '@cdktf/provider-azurerm/lib/key-vault-key';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';

/** Names the cluster stack creates and instance stacks look up by. */
export const azureInstanceDataNames = (cluster: string) => ({
  /** The key in the cluster's Key Vault that encrypts instances' storage accounts. */
  key: 'instance-data',
  /** The identity storage accounts use to reach that key. */
  identity: `id-${cluster}-instance-data`,
});

export interface AzureInstanceDataKeyProps {
  readonly clusterName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** The Key Vault (`kv-<cluster>`) that holds the key. */
  readonly keyVaultId: string;
}

/**
 * The customer-managed key of instances' storage accounts and the one identity allowed to wrap and unwrap with it.
 * It lives with the cluster: an instance stack that created its own would leave a soft-deleted key behind on every
 * destroy, and a role assignment made in the same apply as the account is not yet in effect when the account needs it.
 */
export class AzureInstanceDataKey extends Construct {
  readonly key: KeyVaultKey;
  readonly identity: UserAssignedIdentity;

  constructor(scope: Construct, id: string, props: AzureInstanceDataKeyProps) {
    super(scope, id);
    const names = azureInstanceDataNames(props.clusterName);
    this.key = new KeyVaultKey(this, 'Key', {
      name: names.key,
      keyVaultId: props.keyVaultId,
      keyType: 'RSA-HSM',
      keySize: 3072,
      keyOpts: ['wrapKey', 'unwrapKey'],
      rotationPolicy: { automatic: { timeBeforeExpiry: 'P30D' }, expireAfter: 'P1Y', notifyBeforeExpiry: 'P29D' },
    });
    this.identity = new UserAssignedIdentity(this, 'Identity', {
      name: names.identity,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
    new RoleAssignment(this, 'KeyUser', {
      scope: this.key.resourceVersionlessId,
      roleDefinitionName: 'Key Vault Crypto Service Encryption User',
      principalId: this.identity.principalId,
    });
  }
}
