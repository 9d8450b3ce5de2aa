import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { Construct } from 'constructs';
import { assertNoOverlap, cidrsOverlap, parseCidr } from '../cidr';
import { azureNames } from './naming';

export interface AzureNetworkProps {
  readonly clusterName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** @default '10.10.0.0/16' */
  readonly vnetCidr?: string;
  /** @default '10.10.0.0/20' */
  readonly nodeSubnetCidr?: string;
  /** Overlay pod range; must not overlap the VNet. @default '10.244.0.0/16' */
  readonly podCidr?: string;
  /** Service range; must not overlap the VNet or pods. @default '10.250.0.0/16' */
  readonly serviceCidr?: string;
}

/** A VNet with one node subnet (pods use the CNI overlay) that reaches Key Vault over a service endpoint. */
export class AzureNetwork extends Construct {
  readonly vnet: VirtualNetwork;
  readonly nodeSubnet: Subnet;
  readonly podCidr: string;
  readonly serviceCidr: string;
  /** First usable address after the service range's network address, as AKS wants for DNS. */
  readonly dnsServiceIp: string;

  constructor(scope: Construct, id: string, props: AzureNetworkProps) {
    super(scope, id);
    const vnetCidr = props.vnetCidr ?? '10.10.0.0/16';
    const nodeSubnetCidr = props.nodeSubnetCidr ?? '10.10.0.0/20';
    this.podCidr = props.podCidr ?? '10.244.0.0/16';
    this.serviceCidr = props.serviceCidr ?? '10.250.0.0/16';
    const where = `AzureNetwork "${id}"`;
    const vnet = parseCidr(vnetCidr, `${where}: vnetCidr`);
    const node = parseCidr(nodeSubnetCidr, `${where}: nodeSubnetCidr`);
    if (!cidrsOverlap(vnet, node) || node.prefix < vnet.prefix) {
      throw new Error(`${where}: nodeSubnetCidr (${nodeSubnetCidr}) must lie inside vnetCidr (${vnetCidr})`);
    }
    assertNoOverlap(where, { vnetCidr, podCidr: this.podCidr, serviceCidr: this.serviceCidr });
    const svc = parseCidr(this.serviceCidr, `${where}: serviceCidr`);
    const dns = svc.base - (svc.base % 2 ** (32 - svc.prefix)) + 10;
    this.dnsServiceIp = [24, 16, 8, 0].map((shift) => (dns >>> shift) & 255).join('.');

    this.vnet = new VirtualNetwork(this, 'Vnet', {
      name: azureNames(props.clusterName).vnet,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      addressSpace: [vnetCidr],
    });
    this.nodeSubnet = new Subnet(this, 'NodeSubnet', {
      name: azureNames(props.clusterName).nodeSubnet,
      resourceGroupName: props.resourceGroupName,
      virtualNetworkName: this.vnet.name,
      addressPrefixes: [nodeSubnetCidr],
      serviceEndpoints: ['Microsoft.KeyVault', 'Microsoft.Storage'],
    });
    const nsg = new NetworkSecurityGroup(this, 'NodeSecurityGroup', {
      name: `nsg-${props.clusterName}-nodes`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
    new SubnetNetworkSecurityGroupAssociation(this, 'NodeSubnetNsg', {
      subnetId: this.nodeSubnet.id,
      networkSecurityGroupId: nsg.id,
    });
  }
}
