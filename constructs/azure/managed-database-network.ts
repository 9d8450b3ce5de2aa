import { KeyVaultKey } from '@cdktf/provider-azurerm/lib/key-vault-key';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { cidrsOverlap, parseCidr } from '../cidr';
import { azureNames } from './naming';
import type { AzureNetwork } from './network';

/** Subnet of the instances' PostgreSQL servers when the config names none: inside the default VNet, after the node subnet. */
export const DEFAULT_AZURE_DATABASE_SUBNET = '10.10.16.0/24';

export interface AzureManagedDatabaseNetworkProps {
  readonly clusterName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly network: AzureNetwork;
  /** The cluster's Key Vault, where the servers' key lives. */
  readonly keyVaultId: string;
  /** Subnet delegated to PostgreSQL Flexible Server, inside the VNet. @default '10.10.16.0/24' */
  readonly cidr?: string;
  /** The VNet's range, to check `cidr` against. */
  readonly vnetCidr: string;
}

/**
 * What PostgreSQL Flexible Servers of the cluster's instances share: a subnet delegated to them (private access
 * only), the private DNS zone their names resolve in, linked to the VNet, and a key in the cluster's vault with the
 * identity the servers encrypt with. One per cluster, hence in the cluster stack; each instance owns its server.
 */
export class AzureManagedDatabaseNetwork extends Construct {
  readonly cidr: string;
  readonly subnet: Subnet;

  constructor(scope: Construct, id: string, props: AzureManagedDatabaseNetworkProps) {
    super(scope, id);
    this.cidr = props.cidr ?? DEFAULT_AZURE_DATABASE_SUBNET;
    const where = `AzureManagedDatabaseNetwork "${id}"`;
    const vnet = parseCidr(props.vnetCidr, `${where}: vnetCidr`);
    const own = parseCidr(this.cidr, `${where}: cidr`);
    if (!cidrsOverlap(vnet, own) || own.prefix < vnet.prefix)
      throw new Error(`${where}: cidr (${this.cidr}) must lie inside the VNet (${props.vnetCidr})`);
    const names = azureNames(props.clusterName);
    const placement = { resourceGroupName: props.resourceGroupName, location: props.location };

    this.subnet = new Subnet(this, 'Subnet', {
      name: 'databases',
      resourceGroupName: props.resourceGroupName,
      virtualNetworkName: props.network.vnet.name,
      addressPrefixes: [this.cidr],
      delegation: [
        {
          name: 'postgresql',
          serviceDelegation: {
            name: 'Microsoft.DBforPostgreSQL/flexibleServers',
            actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'],
          },
        },
      ],
    });
    const nsg = new NetworkSecurityGroup(this, 'SecurityGroup', {
      ...placement,
      name: `nsg-${props.clusterName}-databases`,
    });
    new SubnetNetworkSecurityGroupAssociation(this, 'SubnetNsg', {
      subnetId: this.subnet.id,
      networkSecurityGroupId: nsg.id,
    });
    const zone = new PrivateDnsZone(this, 'Zone', {
      name: names.databaseDnsZone,
      resourceGroupName: props.resourceGroupName,
    });
    new PrivateDnsZoneVirtualNetworkLink(this, 'ZoneLink', {
      name: `${props.clusterName}-databases`,
      resourceGroupName: props.resourceGroupName,
      privateDnsZoneName: zone.name,
      virtualNetworkId: props.network.vnet.id,
    });
    const key = new KeyVaultKey(this, 'Key', {
      name: names.databaseKey,
      keyVaultId: props.keyVaultId,
      keyType: 'RSA-HSM',
      keySize: 3072,
      keyOpts: ['wrapKey', 'unwrapKey'],
      rotationPolicy: { automatic: { timeBeforeExpiry: 'P30D' }, expireAfter: 'P1Y', notifyBeforeExpiry: 'P29D' },
    });
    const identity = new UserAssignedIdentity(this, 'Identity', { ...placement, name: names.databaseIdentity });
    new RoleAssignment(this, 'KeyUser', {
      scope: key.resourceVersionlessId,
      roleDefinitionName: 'Key Vault Crypto Service Encryption User',
      principalId: identity.principalId,
    });
  }
}
