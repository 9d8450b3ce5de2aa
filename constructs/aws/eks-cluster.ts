import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksCluster as EksControlPlane } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS, type ClusterFacts, type SandboxCluster } from '../cluster';
import { ownerIdentityProblem } from '../instance/tenant-names';
import { assertPublicAccessRanges } from '../public-api-access';
import { eksFacts } from './cluster-facts';
import { EksAddons, type AddonVersions } from './eks-addons';
import { EfsStorage } from './efs-storage';
import { FargateProfile, type FargateProfileOptions } from './fargate-profile';
import { SandboxKmsKey } from './kms-key';
import { awsNames } from './naming';
import { NodePool, type NodePoolOptions } from './node-pool';
import { AwsSecretStore } from './secret-store';
import { ServiceAccountRole, type OidcProviderRef, type ServiceAccountRoleProps } from './service-account-role';
import type { ClusterNetwork } from './vpc';

/** An instance owner's IAM principal and the Kubernetes identity EKS maps it to. */
export interface EksOwnerAccess {
  /** IAM role or user ARN the owner signs in with. */
  readonly principalArn: string;
  /** Kubernetes user name: what an instance's `owner` names. */
  readonly username: string;
  /** Kubernetes groups, for an instance's `ownerGroup`. @default [] */
  readonly groups?: readonly string[];
}

/** Prefixes EKS reserves for its own user names and groups. */
const EKS_RESERVED_PREFIXES = ['system:', 'eks:', 'aws:', 'amazon:', 'iam:'];

export type ControlPlaneLogType = 'api' | 'audit' | 'authenticator' | 'controllerManager' | 'scheduler';
export const ALL_CONTROL_PLANE_LOGS: readonly ControlPlaneLogType[] = [
  'api',
  'audit',
  'authenticator',
  'controllerManager',
  'scheduler',
];

export interface EksClusterProps {
  readonly clusterName: string;
  /** EKS minor version, e.g. "1.33". */
  readonly kubernetesVersion: string;
  readonly network: ClusterNetwork;
  /** IAM roles or users granted cluster admin through access entries. */
  readonly adminPrincipalArns: readonly string[];
  /** CIDRs allowed to reach a public API endpoint; the endpoint is private only when empty. @default [] */
  readonly publicAccessCidrs?: readonly string[];
  /** Shortest prefix (widest range) accepted in publicAccessCidrs. @default 8 */
  readonly publicAccessMinPrefixLength?: number;
  /**
   * Instance owners who may sign in. Each gets an access entry with a Kubernetes user name and no access policy:
   * what they may do comes only from the RoleBindings of the instances they own. @default []
   */
  readonly ownerAccess?: readonly EksOwnerAccess[];
  /** @default 90 */
  readonly logRetentionDays?: number;
  /** @default - the versions pinned in eks-addons.ts for the default Kubernetes version */
  readonly addonVersions?: AddonVersions;
  /** Shared RWX storage on EFS. @default true */
  readonly sharedStorage?: boolean;
  /** @default '<clusterName>.sandbox.internal' */
  readonly ingressDomain?: string;
  /**
   * Run CoreDNS on Fargate: set when the cluster has no node groups. Instance namespaces never run on Fargate
   * (it enforces no NetworkPolicy), so such a cluster can hold no instances. @default false
   */
  readonly fargateOnly?: boolean;
  /** Route 53 hosted zone external-dns may write to; creates its IRSA role. @default - none */
  readonly externalDnsZoneId?: string;
}

const EKS_ADMIN_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';
const awsManaged = (name: string) => `arn:aws:iam::aws:policy/${name}`;
const serviceTrust = (service: string, condition?: object) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });

/**
 * An EKS control plane that is private by default, encrypts Secrets with a
 * customer key, ships all five log types, and grants admins through access
 * entries rather than the aws-auth ConfigMap.
 */
export class EksCluster extends Construct implements SandboxCluster {
  readonly clusterName: string;
  readonly cloud = 'aws' as const;
  declare readonly connection: ClusterFacts['connection'];
  declare readonly storage: ClusterFacts['storage'];
  declare readonly secretStore: ClusterFacts['secretStore'];
  declare readonly ingress: ClusterFacts['ingress'];
  declare readonly secretBackend: ClusterFacts['secretBackend'];
  declare readonly platformNeeds: ClusterFacts['platformNeeds'];

  readonly controlPlane: EksControlPlane;
  readonly oidcProvider: OidcProviderRef;
  /** Key for data at rest: volumes, logs, EFS. */
  readonly dataKey: SandboxKmsKey;
  readonly nodeRole: IamRole;
  readonly secrets: AwsSecretStore;
  readonly addons: EksAddons;
  readonly efs?: EfsStorage;
  readonly nodePools: NodePool[] = [];
  readonly fargateProfiles: FargateProfile[] = [];

  private readonly network: ClusterNetwork;
  private fargateRole?: IamRole;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const publicAccessCidrs = props.publicAccessCidrs ?? [];
    const logRetentionDays = props.logRetentionDays ?? 90;
    const sharedStorage = props.sharedStorage ?? true;
    const where = `EksCluster "${id}"`;
    if (!/^1\.\d{2}$/.test(props.kubernetesVersion)) {
      throw new Error(
        `${where}: kubernetesVersion must be a minor version such as "1.33", got "${props.kubernetesVersion}"`,
      );
    }
    if (props.adminPrincipalArns.length === 0)
      throw new Error(`${where}: adminPrincipalArns must name at least one principal`);
    if (props.network.privateSubnetIds.length < 2) {
      throw new Error(
        `${where}: network must have private subnets in at least two zones, got ${props.network.privateSubnetIds.length}`,
      );
    }
    assertPublicAccessRanges(where, 'publicAccessCidrs', publicAccessCidrs, props.publicAccessMinPrefixLength);
    const owners = props.ownerAccess ?? [];
    owners.forEach((owner, i) => {
      for (const [field, name] of [
        ['username', owner.username],
        ...(owner.groups ?? []).map((g, j) => [`groups[${j}]`, g]),
      ]) {
        const problem =
          ownerIdentityProblem(name) ??
          (EKS_RESERVED_PREFIXES.some((p) => name.startsWith(p))
            ? `must not start with ${EKS_RESERVED_PREFIXES.join(', ')}, got "${name}"`
            : undefined);
        if (problem) throw new Error(`${where}: ownerAccess[${i}].${field} ${problem}`);
      }
      if (props.adminPrincipalArns.includes(owner.principalArn)) {
        throw new Error(
          `${where}: ownerAccess[${i}].principalArn ${owner.principalArn} is an admin already; an owner needs a principal of its own`,
        );
      }
    });
    if (props.fargateOnly) {
      Annotations.of(this).addWarning(
        `${where}: a Fargate-only cluster can hold no instances: Fargate enforces no NetworkPolicy and has no block volumes, so instance namespaces are never scheduled there; add a node pool for instances`,
      );
    }

    const names = awsNames(props.clusterName);
    const region = new DataAwsRegion(this, 'Region');
    const account = new DataAwsCallerIdentity(this, 'Account');
    const partition = new DataAwsPartition(this, 'Partition');
    this.clusterName = props.clusterName;
    this.network = props.network;

    const secretsKey = new SandboxKmsKey(this, 'SecretsEncryptionKey', {
      alias: `sandbox-${props.clusterName}-eks`,
      description: `Envelope encryption of Kubernetes Secrets in ${props.clusterName}`,
    });
    this.dataKey = new SandboxKmsKey(this, 'DataKey', {
      alias: names.dataKeyAlias.replace(/^alias\//, ''),
      description: `Volumes, file systems and logs of ${props.clusterName}`,
      servicePrincipals: [`logs.${region.region}.amazonaws.com`],
    });

    const logGroup = new CloudwatchLogGroup(this, 'ControlPlaneLogs', {
      name: `/aws/eks/${props.clusterName}/cluster`,
      retentionInDays: logRetentionDays,
      kmsKeyId: this.dataKey.arn,
    });

    const clusterRole = new IamRole(this, 'ClusterRole', { assumeRolePolicy: serviceTrust('eks.amazonaws.com') });
    new IamRolePolicyAttachment(this, 'ClusterPolicy', {
      role: clusterRole.name,
      policyArn: awsManaged('AmazonEKSClusterPolicy'),
    });

    this.controlPlane = new EksControlPlane(this, 'ControlPlane', {
      name: names.eksCluster,
      version: props.kubernetesVersion,
      roleArn: clusterRole.arn,
      enabledClusterLogTypes: [...ALL_CONTROL_PLANE_LOGS],
      vpcConfig: {
        subnetIds: [...props.network.privateSubnetIds],
        endpointPrivateAccess: true,
        endpointPublicAccess: publicAccessCidrs.length > 0,
        publicAccessCidrs: publicAccessCidrs.length > 0 ? [...publicAccessCidrs] : undefined,
      },
      encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ['secrets'] },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      upgradePolicy: { supportType: 'STANDARD' },
      dependsOn: [logGroup],
    });

    props.adminPrincipalArns.forEach((principalArn, i) => {
      const entry = new EksAccessEntry(this, `AdminEntry${i}`, {
        clusterName: this.controlPlane.name,
        principalArn,
        type: 'STANDARD',
      });
      new EksAccessPolicyAssociation(this, `AdminPolicy${i}`, {
        clusterName: this.controlPlane.name,
        principalArn: entry.principalArn,
        policyArn: EKS_ADMIN_POLICY,
        accessScope: { type: 'cluster' },
      });
    });

    owners.forEach((owner, i) => {
      // No access policy: the owner's rights come from the RoleBindings of their instances, namespace by namespace.
      new EksAccessEntry(this, `OwnerEntry${i}`, {
        clusterName: this.controlPlane.name,
        principalArn: owner.principalArn,
        type: 'STANDARD',
        userName: owner.username,
        kubernetesGroups: owner.groups?.length ? [...owner.groups] : undefined,
      });
    });

    const issuerUrl = this.controlPlane.identity.get(0).oidc.get(0).issuer;
    const oidc = new IamOpenidConnectProvider(this, 'OidcProvider', {
      url: issuerUrl,
      clientIdList: ['sts.amazonaws.com'],
    });
    this.oidcProvider = { arn: oidc.arn, issuerUrl };

    // Nodes get only what kubelet and image pulls need; the CNI's permissions go to its own IRSA role.
    this.nodeRole = new IamRole(this, 'NodeRole', { assumeRolePolicy: serviceTrust('ec2.amazonaws.com') });
    ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly'].forEach((policy) => {
      new IamRolePolicyAttachment(this, `Node${policy}`, { role: this.nodeRole.name, policyArn: awsManaged(policy) });
    });

    this.addons = new EksAddons(this, 'Addons', {
      clusterName: this.controlPlane.name,
      oidcProvider: this.oidcProvider,
      versions: props.addonVersions,
      fargateOnly: props.fargateOnly ?? false,
      efs: sharedStorage,
    });

    if (sharedStorage) {
      this.efs = new EfsStorage(this, 'SharedStorage', {
        clusterName: props.clusterName,
        vpcId: props.network.vpcId,
        privateSubnetIds: props.network.privateSubnetIds,
        kmsKeyArn: this.dataKey.arn,
        // Managed node groups and Fargate pods carry the security group EKS creates for the cluster.
        clientSecurityGroupIds: [this.controlPlane.vpcConfig.clusterSecurityGroupId],
        mountRoleArn: this.addons.efsCsiRole!.arn,
      });
    }

    this.addServiceAccountRole('ClusterAutoscalerRole', {
      namespace: 'kube-system',
      serviceAccount: 'cluster-autoscaler',
      roleName: names.autoscalerRole,
      statements: [
        {
          actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
          // EKS names the auto scaling groups of managed node groups "eks-<node group>-<id>".
          resources: [
            `arn:${partition.partition}:autoscaling:${region.region}:${account.accountId}:autoScalingGroup:*:autoScalingGroupName/eks-*`,
          ],
          conditions: [
            {
              test: 'StringEquals',
              variable: `aws:ResourceTag/k8s.io/cluster-autoscaler/${props.clusterName}`,
              values: ['owned'],
            },
          ],
        },
        {
          actions: [
            'autoscaling:DescribeAutoScalingGroups',
            'autoscaling:DescribeAutoScalingInstances',
            'autoscaling:DescribeLaunchConfigurations',
            'autoscaling:DescribeScalingActivities',
            'autoscaling:DescribeTags',
            'ec2:DescribeImages',
            'ec2:DescribeInstanceTypes',
            'ec2:DescribeLaunchTemplateVersions',
            'ec2:GetInstanceTypesFromInstanceRequirements',
          ],
          resources: ['*'],
        },
        {
          actions: ['eks:DescribeNodegroup'],
          resources: [
            `arn:${partition.partition}:eks:${region.region}:${account.accountId}:nodegroup/${props.clusterName}/*`,
          ],
        },
      ],
    });

    if (props.externalDnsZoneId) {
      const zone = `arn:${partition.partition}:route53:::hostedzone/${props.externalDnsZoneId}`;
      this.addServiceAccountRole('ExternalDnsRole', {
        namespace: 'external-dns',
        serviceAccount: 'external-dns',
        roleName: names.externalDnsRole,
        statements: [
          {
            actions: [
              'route53:ChangeResourceRecordSets',
              'route53:ListResourceRecordSets',
              'route53:ListTagsForResource',
            ],
            resources: [zone],
          },
          { actions: ['route53:ListHostedZones'], resources: ['*'] },
        ],
      });
    }

    this.secrets = new AwsSecretStore(this, 'SecretStore', {
      clusterName: props.clusterName,
      oidcProvider: this.oidcProvider,
      operator: { namespace: PLATFORM_DEFAULTS.externalSecretsNamespace, serviceAccount: 'external-secrets' },
    });

    Object.assign(
      this,
      eksFacts({
        clusterName: props.clusterName,
        region: region.region,
        endpoint: this.controlPlane.endpoint,
        certificateAuthority: this.controlPlane.certificateAuthority.get(0).data,
        oidcIssuerUrl: issuerUrl,
        ingressDomain: props.ingressDomain,
        sharedStorage,
        externalDnsZoneId: props.externalDnsZoneId,
      }),
    );
  }

  /** Adds a managed node group in the private subnets. */
  addNodePool(name: string, options: NodePoolOptions = {}): NodePool {
    const pool = new NodePool(this, name, {
      ...options,
      clusterName: this.clusterName,
      nodeRoleArn: this.nodeRole.arn,
      subnetIds: this.network.privateSubnetIds,
      volumeKeyArn: this.dataKey.arn,
      // Nodes must not join before the CNI can give their pods addresses.
      dependsOn: [this.addons.vpcCni],
    });
    this.nodePools.push(pool);
    return pool;
  }

  /** Adds a Fargate profile; every profile shares one pod execution role. */
  addFargateProfile(name: string, options: FargateProfileOptions): FargateProfile {
    const profile = new FargateProfile(this, name, {
      ...options,
      clusterName: this.clusterName,
      podExecutionRoleArn: this.podExecutionRole().arn,
      privateSubnetIds: this.network.privateSubnetIds,
      dependsOn: [this.controlPlane],
    });
    this.fargateProfiles.push(profile);
    return profile;
  }

  /** An IAM role that one service account of this cluster can assume. */
  addServiceAccountRole(id: string, props: Omit<ServiceAccountRoleProps, 'oidcProvider'>): ServiceAccountRole {
    return new ServiceAccountRole(this, id, { ...props, oidcProvider: this.oidcProvider });
  }

  private podExecutionRole(): IamRole {
    if (!this.fargateRole) {
      this.fargateRole = new IamRole(this, 'FargatePodExecutionRole', {
        assumeRolePolicy: serviceTrust('eks-fargate-pods.amazonaws.com', {
          ArnLike: { 'aws:SourceArn': `arn:aws:eks:*:*:fargateprofile/${this.clusterName}/*` },
        }),
      });
      new IamRolePolicyAttachment(this, 'FargatePodExecutionPolicy', {
        role: this.fargateRole.name,
        policyArn: awsManaged('AmazonEKSFargatePodExecutionRolePolicy'),
      });
    }
    return this.fargateRole;
  }
}
