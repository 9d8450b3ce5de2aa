import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { parseCidr } from '../cidr';

export type NatGatewayMode = 'single' | 'per-az';

export interface SandboxVpcProps {
  /** EKS cluster name, for the subnet tags EKS and the load balancer controller read. */
  readonly clusterName: string;
  /** Region of the VPC; zones default to its first ones by name. */
  readonly region: string;
  /** Zone names, pinned so that a zone AWS adds later never moves a subnet. @default - `<region>a`, `<region>b`, `<region>c`, as many as azCount */
  readonly zones?: readonly string[];
  /** @default '10.0.0.0/16' */
  readonly cidr?: string;
  /** @default 3 */
  readonly azCount?: number;
  /** One NAT gateway for all zones (cheaper) or one per zone (no cross-zone dependency). @default 'single' */
  readonly natGateways?: NatGatewayMode;
  /** KMS key for the flow log group. */
  readonly logKeyArn: string;
  /** @default 90 */
  readonly flowLogRetentionDays?: number;
}

/** What the cluster needs of a network, whether created here or brought by the user. */
export interface ClusterNetwork {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly privateSubnetIds: readonly string[];
  readonly publicSubnetIds: readonly string[];
}

/**
 * A VPC across 2-3 zones: private subnets (/19) for nodes and pods, public
 * subnets (/22) for load balancers only, NAT for egress, flow logs on, and a
 * default security group that admits nothing.
 */
export class SandboxVpc extends Construct implements ClusterNetwork {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly privateSubnetIds: string[];
  readonly publicSubnetIds: string[];

  constructor(scope: Construct, id: string, props: SandboxVpcProps) {
    super(scope, id);
    const cidr = props.cidr ?? '10.0.0.0/16';
    const azCount = props.azCount ?? 3;
    const natMode = props.natGateways ?? 'single';
    const retention = props.flowLogRetentionDays ?? 90;
    const prefix = parseCidr(cidr, `SandboxVpc "${id}": cidr`).prefix;
    if (prefix > 16)
      throw new Error(`SandboxVpc "${id}": cidr must be a /16 or larger to hold the subnets, got ${cidr}`);
    if (azCount < 2 || azCount > 3) throw new Error(`SandboxVpc "${id}": azCount must be 2 or 3, got ${azCount}`);

    const zoneNames = props.zones ?? ['a', 'b', 'c'].slice(0, azCount).map((letter) => `${props.region}${letter}`);
    if (zoneNames.length !== azCount)
      throw new Error(`SandboxVpc "${id}": zones must name ${azCount} zones (azCount), got ${zoneNames.length}`);
    const zones = new DataAwsAvailabilityZones(this, 'Zones', {
      state: 'available',
      filter: [{ name: 'zone-name', values: [...zoneNames] }],
    });
    const vpc = new Vpc(this, 'Vpc', {
      cidrBlock: cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: `${props.clusterName}-vpc` },
    });
    this.vpcId = vpc.id;
    this.vpcCidr = cidr;
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', { vpcId: vpc.id });
    this.flowLogs(vpc, props.clusterName, props.logKeyArn, retention);

    const igw = new InternetGateway(this, 'InternetGateway', { vpcId: vpc.id });
    const publicRoutes = new RouteTable(this, 'PublicRoutes', { vpcId: vpc.id });
    new Route(this, 'PublicDefault', {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });

    const clusterTag = { [`kubernetes.io/cluster/${props.clusterName}`]: 'shared' };
    this.publicSubnetIds = [];
    this.privateSubnetIds = [];
    const nats: NatGateway[] = [];
    for (let i = 0; i < azCount; i++) {
      const az = Fn.element(zones.names, i);
      // Private /19s take the first 8 blocks of the /16 (1.5 of them per zone), public /22s sit at the top.
      const pub = new Subnet(this, `Public${i}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: Fn.cidrsubnet(cidr, 6, 60 + i),
        tags: { Name: `${props.clusterName}-public-${i}`, 'kubernetes.io/role/elb': '1', ...clusterTag },
      });
      new RouteTableAssociation(this, `PublicAssoc${i}`, { subnetId: pub.id, routeTableId: publicRoutes.id });
      this.publicSubnetIds.push(pub.id);
      if (natMode === 'per-az' || i === 0) {
        const eip = new Eip(this, `NatIp${i}`, { domain: 'vpc' });
        nats.push(new NatGateway(this, `Nat${i}`, { allocationId: eip.id, subnetId: pub.id, dependsOn: [igw] }));
      }
      const priv = new Subnet(this, `Private${i}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: Fn.cidrsubnet(cidr, 3, i),
        tags: { Name: `${props.clusterName}-private-${i}`, 'kubernetes.io/role/internal-elb': '1', ...clusterTag },
      });
      const routes = new RouteTable(this, `PrivateRoutes${i}`, { vpcId: vpc.id });
      new Route(this, `PrivateDefault${i}`, {
        routeTableId: routes.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: nats[natMode === 'per-az' ? i : 0].id,
      });
      new RouteTableAssociation(this, `PrivateAssoc${i}`, { subnetId: priv.id, routeTableId: routes.id });
      this.privateSubnetIds.push(priv.id);
    }
  }

  private flowLogs(vpc: Vpc, clusterName: string, keyArn: string, retentionDays: number): void {
    const group = new CloudwatchLogGroup(this, 'FlowLogGroup', {
      name: `/aws/vpc/${clusterName}/flow-logs`,
      retentionInDays: retentionDays,
      kmsKeyId: keyArn,
    });
    const role = new IamRole(this, 'FlowLogRole', {
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    });
    new IamRolePolicy(this, 'FlowLogPolicy', {
      role: role.id,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: `${group.arn}:*`,
          },
        ],
      }),
    });
    new FlowLog(this, 'FlowLog', {
      vpcId: vpc.id,
      trafficType: 'ALL',
      logDestination: group.arn,
      iamRoleArn: role.arn,
    });
  }
}
