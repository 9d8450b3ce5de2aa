import { DataAzurermKeyVault } from '@cdktf/provider-azurerm/lib/data-azurerm-key-vault';
import { DataAzurermKeyVaultKey } from '@cdktf/provider-azurerm/lib/data-azurerm-key-vault-key';
import { DataAzurermPrivateDnsZone } from '@cdktf/provider-azurerm/lib/data-azurerm-private-dns-zone';
import { DataAzurermSubnet } from '@cdktf/provider-azurerm/lib/data-azurerm-subnet';
import { DataAzurermUserAssignedIdentity } from '@cdktf/provider-azurerm/lib/data-azurerm-user-assigned-identity';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { PostgresqlFlexibleServer } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Id } from '@cdktf/provider-random/lib/id';
import { Offset } from '@cdktf/provider-time/lib/offset';
import { Password } from '@cdktf/provider-random/lib/password';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { MANAGED_DEFAULT_SIZES, type ManagedDatabase } from '../instance/managed-database';
import { boundedName } from '../names';
import { azureInstanceNames, azureNames } from './naming';
import { WorkloadIdentity } from './workload-identity';

export interface AzureManagedDatabaseProps {
  /** The cluster whose delegated subnet, DNS zone, key and vault the server uses. */
  readonly clusterName: string;
  /** The sandbox instance that owns the server. */
  readonly instanceName: string;
  /** The instance's namespace, whose service account reads the admin credential. */
  readonly namespace: string;
  readonly location: string;
  /** PostgreSQL major version. */
  readonly version: string;
  /** Flexible Server SKU. @default 'B_Standard_B1ms' */
  readonly skuName?: string;
  /** @default 32 */
  readonly storageGiB?: number;
  /** The subnet delegated to the servers (`managedDatabases.cidr`). */
  readonly subnetCidr: string;
  /** The AKS cluster's OIDC issuer URL. */
  readonly oidcIssuerUrl: string;
  /** The service account of the instance that reads the admin credential. */
  readonly serviceAccountName: string;
  /** The instance's TTL: the admin secret expires with the instance. @default - never (a protected instance) */
  readonly ttlHours?: number;
}

/**
 * A PostgreSQL Flexible Server of the sandbox instance's own in the cluster's delegated subnet (private access, no
 * public network access), encrypted with the cluster's `database-encryption` key, removed with the instance. Its admin
 * password is generated at apply time (in the state, never in the JSON) and kept in the cluster's Key Vault, readable
 * by a federated identity of the instance's `serviceAccountName` alone.
 */
export class AzureManagedDatabase extends Construct {
  readonly server: PostgresqlFlexibleServer;
  readonly facts: ManagedDatabase;

  constructor(scope: Construct, id: string, props: AzureManagedDatabaseProps) {
    super(scope, id);
    const names = azureNames(props.clusterName);
    const group = names.resourceGroup;
    const vault = new DataAzurermKeyVault(this, 'Vault', { name: names.keyVault, resourceGroupName: group });
    const key = new DataAzurermKeyVaultKey(this, 'Key', { name: names.databaseKey, keyVaultId: vault.id });
    const keyUser = new DataAzurermUserAssignedIdentity(this, 'KeyIdentity', {
      name: names.databaseIdentity,
      resourceGroupName: group,
    });
    const subnet = new DataAzurermSubnet(this, 'Subnet', {
      name: names.databaseSubnet,
      virtualNetworkName: `vnet-${props.clusterName}`,
      resourceGroupName: group,
    });
    const zone = new DataAzurermPrivateDnsZone(this, 'Zone', { name: names.databaseDnsZone, resourceGroupName: group });
    // Server names are global DNS names; a suffix drawn at apply time keeps two clusters' instances of one name apart.
    const suffix = new Id(this, 'Suffix', { byteLength: 3 });
    const password = new Password(this, 'AdminPassword', {
      length: 32,
      special: false,
      minNumeric: 4,
      minUpper: 4,
      minLower: 4,
    });

    this.server = new PostgresqlFlexibleServer(this, 'Server', {
      name: `${azureInstanceNames(props.clusterName, props.instanceName).databaseServer}-${suffix.hex}`,
      resourceGroupName: group,
      location: props.location,
      version: props.version,
      skuName: props.skuName ?? MANAGED_DEFAULT_SIZES.azure.instanceClass,
      storageMb: (props.storageGiB ?? MANAGED_DEFAULT_SIZES.azure.storageGiB) * 1024,
      delegatedSubnetId: subnet.id,
      privateDnsZoneId: zone.id,
      publicNetworkAccessEnabled: false,
      administratorLogin: 'sandbox_admin',
      administratorPassword: password.result,
      authentication: { passwordAuthEnabled: true, activeDirectoryAuthEnabled: false },
      backupRetentionDays: 7,
      geoRedundantBackupEnabled: false,
      identity: { type: 'UserAssigned', identityIds: [keyUser.id] },
      customerManagedKey: { keyVaultKeyId: key.versionlessId, primaryUserAssignedIdentityId: keyUser.id },
      // Azure picks a zone at creation and reports it; leaving it unset would plan a change on every run.
      lifecycle: { ignoreChanges: ['zone'] },
    });

    const identity = new WorkloadIdentity(this, 'Identity', {
      name: azureInstanceNames(props.clusterName, props.instanceName).databaseIdentity,
      resourceGroupName: group,
      location: props.location,
      oidcIssuerUrl: props.oidcIssuerUrl,
      namespace: props.namespace,
      serviceAccount: props.serviceAccountName,
    });
    // Counted like the namespace's expiry: at apply time, again when the TTL changes.
    const expiry =
      props.ttlHours === undefined
        ? undefined
        : new Offset(this, 'Expiry', { offsetHours: props.ttlHours, triggers: { ttlHours: String(props.ttlHours) } });
    const secretName = boundedName([props.instanceName, '', 'database-admin'], 127);
    const secret = new KeyVaultSecret(this, 'AdminSecret', {
      name: secretName,
      keyVaultId: vault.id,
      value: Fn.jsonencode({ username: 'sandbox_admin', password: password.result }),
      contentType: 'application/json',
      expirationDate: expiry?.rfc3339,
    });
    new RoleAssignment(this, 'AdminRead', {
      scope: secret.resourceVersionlessId,
      roleDefinitionName: 'Key Vault Secrets User',
      principalId: identity.identity.principalId,
    });

    this.facts = {
      engine: 'postgresql',
      version: props.version,
      host: this.server.fqdn,
      port: 5432,
      egressCidr: props.subnetCidr,
      admin: {
        key: secretName,
        provider: {
          azurekv: {
            vaultUrl: vault.vaultUri,
            authType: 'WorkloadIdentity',
            serviceAccountRef: { name: props.serviceAccountName },
          },
        },
        serviceAccountAnnotations: { 'azure.workload.identity/client-id': identity.clientId },
      },
    };
  }
}
