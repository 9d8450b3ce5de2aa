import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { Construct } from 'constructs';
import type { GkeNetwork } from './network';

/** Where Cloud SQL servers of the cluster's instances get their private addresses when the config names no range. */
export const DEFAULT_MANAGED_DATABASE_CIDR = '10.32.0.0/20';

export interface ManagedDatabaseNetworkProps {
  readonly clusterName: string;
  readonly network: GkeNetwork;
  /** Range reserved for Google-managed services (Cloud SQL) in the VPC. @default '10.32.0.0/20' */
  readonly cidr?: string;
}

/**
 * Private services access for the cluster's VPC: a reserved range and the peering with Google's service producer
 * network, so that instance stacks can create Cloud SQL servers with a private address only. One per VPC, hence in
 * the cluster stack; instances share the peering and each own their server.
 */
export class ManagedDatabaseNetwork extends Construct {
  readonly cidr: string;
  readonly connection: ServiceNetworkingConnection;

  constructor(scope: Construct, id: string, props: ManagedDatabaseNetworkProps) {
    super(scope, id);
    this.cidr = props.cidr ?? DEFAULT_MANAGED_DATABASE_CIDR;
    const [address, prefix] = this.cidr.split('/');
    const range = new ComputeGlobalAddress(this, 'Range', {
      name: `${props.clusterName}-managed-databases`,
      purpose: 'VPC_PEERING',
      addressType: 'INTERNAL',
      address,
      prefixLength: Number(prefix),
      network: props.network.network.id,
    });
    this.connection = new ServiceNetworkingConnection(this, 'Peering', {
      network: props.network.network.id,
      service: 'servicenetworking.googleapis.com',
      reservedPeeringRanges: [range.name],
      // Google refuses to delete the peering while a server it created still exists; the VPC's deletion removes it.
      deletionPolicy: 'ABANDON',
    });
  }
}
