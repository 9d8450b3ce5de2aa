import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { Aspects, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { AwsClusterConfig, StateBackendConfig } from '../config/types';
import { EksCluster } from '../constructs/aws/eks-cluster';
import { SandboxKmsKey } from '../constructs/aws/kms-key';
import { SandboxVpc, type ClusterNetwork } from '../constructs/aws/vpc';
import { TagAspect } from '../constructs/tag-aspect';
import { configureBackend } from './backend';
import { clusterStackName } from './names';
import { addCloudProvider, clusterTags } from './providers';

export interface AwsClusterStackProps {
  readonly cluster: AwsClusterConfig;
  readonly state: StateBackendConfig;
}

/** The long-lived AWS side: network, EKS, node pools, Fargate profiles, keys and the secret store. */
export class AwsClusterStack extends TerraformStack {
  readonly cluster: EksCluster;

  constructor(scope: Construct, props: AwsClusterStackProps) {
    super(scope, clusterStackName(props.cluster.name));
    const config = props.cluster;
    const tags = clusterTags(config);
    configureBackend(this, props.state, { clusterName: config.name, stackName: this.node.id });
    addCloudProvider(this, config, tags);
    Aspects.of(this).add(new TagAspect(tags));

    const networkKey = new SandboxKmsKey(this, 'NetworkLogKey', {
      alias: `sandbox-${config.name}-network`,
      description: `VPC flow logs of ${config.name}`,
      servicePrincipals: [`logs.${config.region}.amazonaws.com`],
    });
    const network = this.network(config, networkKey.arn);

    this.cluster = new EksCluster(this, 'Cluster', {
      clusterName: config.name,
      kubernetesVersion: config.kubernetesVersion,
      network,
      adminPrincipalArns: config.adminPrincipalArns,
      publicAccessCidrs: config.publicAccessCidrs,
      publicAccessMinPrefixLength: config.publicAccessMinPrefixLength,
      ownerAccess: config.ownerAccess,
      logRetentionDays: config.logRetentionDays,
      ingressDomain: config.ingressDomain,
      fargateOnly: config.nodePools !== undefined && config.nodePools.length === 0,
      externalDnsZoneId: config.platform?.externalDns?.zoneId,
    });
    for (const pool of config.nodePools ?? [{ name: 'general' }]) {
      const { name, ...options } = pool;
      this.cluster.addNodePool(name, options);
    }
    for (const profile of config.fargateProfiles ?? []) {
      this.cluster.addFargateProfile(profile.name, { selectors: profile.selectors });
    }

    new TerraformOutput(this, 'cluster_name', { value: this.cluster.controlPlane.name });
    new TerraformOutput(this, 'cluster_endpoint', { value: this.cluster.controlPlane.endpoint });
    new TerraformOutput(this, 'oidc_provider_arn', { value: this.cluster.oidcProvider.arn });
    new TerraformOutput(this, 'secret_operator_role_arn', { value: this.cluster.secrets.operatorRole.arn });
    new TerraformOutput(this, 'secrets_kms_key_arn', { value: this.cluster.secrets.key.arn });
    new TerraformOutput(this, 'vpc_id', { value: network.vpcId });
    if (this.cluster.efs) new TerraformOutput(this, 'efs_file_system_id', { value: this.cluster.efs.fileSystem.id });
  }

  private network(config: AwsClusterConfig, logKeyArn: string): ClusterNetwork {
    const existing = config.network?.existing;
    if (existing) {
      const vpc = new DataAwsVpc(this, 'ExistingVpc', { id: existing.vpcId });
      return {
        vpcId: existing.vpcId,
        vpcCidr: vpc.cidrBlock,
        privateSubnetIds: existing.privateSubnetIds,
        publicSubnetIds: existing.publicSubnetIds ?? [],
      };
    }
    return new SandboxVpc(this, 'Network', {
      clusterName: config.name,
      region: config.region,
      cidr: config.network?.vpcCidr,
      azCount: config.network?.azCount,
      natGateways: config.network?.natGateways,
      logKeyArn,
      flowLogRetentionDays: config.logRetentionDays,
    });
  }
}
