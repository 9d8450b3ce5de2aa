import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { assertNoOverlap } from '../cidr';

export interface GkeNetworkProps {
  readonly clusterName: string;
  readonly region: string;
  /** @default '10.20.0.0/20' */
  readonly nodeCidr?: string;
  /** Secondary range for pods. @default '10.24.0.0/14' */
  readonly podCidr?: string;
  /** Secondary range for services. @default '10.28.0.0/20' */
  readonly serviceCidr?: string;
  /** The control plane's /28; checked here so that no range overlaps another. @default '172.16.0.0/28' */
  readonly masterCidr?: string;
  /** What must exist first, such as enabled APIs. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A VPC-native network: one subnet with secondary ranges for pods and
 * services, private Google access, flow logs, and Cloud NAT so that private
 * nodes can pull images.
 */
export class GkeNetwork extends Construct {
  readonly network: ComputeNetwork;
  readonly subnet: ComputeSubnetwork;
  readonly podRangeName = 'pods';
  readonly serviceRangeName = 'services';
  readonly masterCidr: string;

  constructor(scope: Construct, id: string, props: GkeNetworkProps) {
    super(scope, id);
    const nodeCidr = props.nodeCidr ?? '10.20.0.0/20';
    const podCidr = props.podCidr ?? '10.24.0.0/14';
    const serviceCidr = props.serviceCidr ?? '10.28.0.0/20';
    this.masterCidr = props.masterCidr ?? '172.16.0.0/28';
    assertNoOverlap(`GkeNetwork "${id}"`, { nodeCidr, podCidr, serviceCidr, masterCidr: this.masterCidr });
    if (!this.masterCidr.endsWith('/28'))
      throw new Error(`GkeNetwork "${id}": masterCidr must be a /28, got ${this.masterCidr}`);

    this.network = new ComputeNetwork(this, 'Network', {
      name: `${props.clusterName}-vpc`,
      autoCreateSubnetworks: false,
      dependsOn: props.dependsOn,
    });
    this.subnet = new ComputeSubnetwork(this, 'Subnet', {
      name: `${props.clusterName}-nodes`,
      network: this.network.id,
      region: props.region,
      ipCidrRange: nodeCidr,
      privateIpGoogleAccess: true,
      secondaryIpRange: [
        { rangeName: this.podRangeName, ipCidrRange: podCidr },
        { rangeName: this.serviceRangeName, ipCidrRange: serviceCidr },
      ],
      logConfig: { aggregationInterval: 'INTERVAL_5_SEC', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
    });
    // GKE adds the allow rules it needs at priority 1000; everything else is refused, and logged.
    new ComputeFirewall(this, 'DenyIngress', {
      name: `${props.clusterName}-deny-ingress`,
      network: this.network.id,
      direction: 'INGRESS',
      priority: 65534,
      sourceRanges: ['0.0.0.0/0'],
      deny: [{ protocol: 'all' }],
      logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
    });
    const router = new ComputeRouter(this, 'Router', {
      name: `${props.clusterName}-router`,
      network: this.network.id,
      region: props.region,
    });
    new ComputeRouterNat(this, 'Nat', {
      name: `${props.clusterName}-nat`,
      router: router.name,
      region: props.region,
      natIpAllocateOption: 'AUTO_ONLY',
      sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      logConfig: { enable: true, filter: 'ERRORS_ONLY' },
    });
  }
}
