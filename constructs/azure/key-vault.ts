import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { parseCidr } from '../cidr';

export interface SandboxKeyVaultProps {
  /** 3-24 letters, digits and dashes; globally unique. */
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** Subnets allowed through the firewall (service endpoint). */
  readonly allowedSubnetIds: readonly string[];
  /**
   * `firewall` denies every network but the listed subnets and ranges. `public` has no firewall, for the AKS
   * etcd key: the KMS plugin cannot pass a Key Vault firewall, so only Entra ID and RBAC guard the vault.
   * @default 'firewall'
   */
  readonly networkAccess?: 'firewall' | 'public';
  /** Public CIDRs allowed through the firewall, e.g. where Terraform runs. @default [] */
  readonly allowedIpRanges?: readonly string[];
  /** @default 90 */
  readonly softDeleteRetentionDays?: number;
}

/**
 * Key Vault with RBAC authorization, purge protection, soft delete and a
 * firewall that denies by default. The identity running Terraform becomes
 * its administrator so that it can create keys and secrets.
 */
export class SandboxKeyVault extends Construct {
  readonly vault: KeyVault;
  readonly tenantId: string;

  constructor(scope: Construct, id: string, props: SandboxKeyVaultProps) {
    super(scope, id);
    const where = `SandboxKeyVault "${id}"`;
    const retention = props.softDeleteRetentionDays ?? 90;
    if (!/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(props.name)) {
      throw new Error(
        `${where}: name must be 3-24 letters, digits and dashes, starting with a letter, got "${props.name}"`,
      );
    }
    if (retention < 7 || retention > 90)
      throw new Error(`${where}: softDeleteRetentionDays must be between 7 and 90, got ${retention}`);
    (props.allowedIpRanges ?? []).forEach((c, i) => parseCidr(c, `${where}: allowedIpRanges[${i}]`));
    if (
      props.networkAccess === 'public' &&
      (props.allowedSubnetIds.length > 0 || (props.allowedIpRanges ?? []).length > 0)
    ) {
      throw new Error(
        `${where}: allowedSubnetIds and allowedIpRanges apply to the firewall; networkAccess "public" has none`,
      );
    }

    const client = new DataAzurermClientConfig(this, 'Client');
    this.tenantId = client.tenantId;
    this.vault = new KeyVault(this, 'Vault', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tenantId: client.tenantId,
      skuName: 'premium',
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: retention,
      publicNetworkAccessEnabled: true,
      networkAcls:
        (props.networkAccess ?? 'firewall') === 'firewall'
          ? {
              defaultAction: 'Deny',
              bypass: 'AzureServices',
              virtualNetworkSubnetIds: [...props.allowedSubnetIds],
              ipRules: [...(props.allowedIpRanges ?? [])],
            }
          : { defaultAction: 'Allow', bypass: 'AzureServices' },
    });
    new RoleAssignment(this, 'DeployerAdmin', {
      scope: this.vault.id,
      roleDefinitionName: 'Key Vault Administrator',
      principalId: client.objectId,
    });
  }
}
