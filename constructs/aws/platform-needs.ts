import { DataAwsEfsFileSystem } from '@cdktf/provider-aws/lib/data-aws-efs-file-system';
import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias';
import type { Construct } from 'constructs';
import type { PlatformNeeds, SecretOperatorIdentity, StorageClassSpec } from '../cluster';
import { awsNames } from './naming';

export interface AwsPlatformNeedsProps {
  readonly clusterName: string;
  readonly region: string;
  /** Whether the cluster stack created the EFS file system. @default true */
  readonly sharedStorage?: boolean;
  /** Route 53 hosted zone external-dns writes to. @default - no external-dns */
  readonly externalDnsZoneId?: string;
}

/** What the platform needs on EKS; IAM roles are found by the names the cluster stack gave them. */
export class AwsPlatformNeeds implements PlatformNeeds {
  readonly internalLoadBalancerAnnotations = {
    'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
    'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
  };
  readonly needsMetricsServer = true;
  /** The VPC CNI runs its network policy agent in strict mode (EksAddons). */
  readonly deniesUnselectedPods = true;

  constructor(private readonly props: AwsPlatformNeedsProps) {}

  storageClasses(scope: Construct): StorageClassSpec[] {
    const names = awsNames(this.props.clusterName);
    const key = new DataAwsKmsAlias(scope, 'DataKey', { name: awsNames(this.props.clusterName).dataKeyAlias });
    const classes: StorageClassSpec[] = [
      {
        name: names.blockStorageClass,
        provisioner: 'ebs.csi.aws.com',
        parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: key.targetKeyArn },
        isDefault: true,
      },
    ];
    if (this.props.sharedStorage ?? true) {
      const efs = new DataAwsEfsFileSystem(scope, 'SharedFileSystem', { creationToken: names.efsCreationToken });
      classes.push({
        name: names.sharedStorageClass,
        provisioner: 'efs.csi.aws.com',
        parameters: { provisioningMode: 'efs-ap', fileSystemId: efs.id, directoryPerms: '700', basePath: '/sandbox' },
        // The file system policy admits only TLS and the CSI driver's IAM role.
        mountOptions: ['tls', 'iam'],
      });
    }
    return classes;
  }

  secretOperator(scope: Construct): SecretOperatorIdentity {
    const role = new DataAwsIamRole(scope, 'SecretOperatorRole', {
      name: awsNames(this.props.clusterName).secretOperatorRole,
    });
    return {
      serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': role.arn },
      podLabels: {},
      clusterStoreProvider: { aws: { service: 'SecretsManager', region: this.props.region } },
    };
  }

  externalDns(scope: Construct): Record<string, unknown> | undefined {
    if (!this.props.externalDnsZoneId) return undefined;
    const role = new DataAwsIamRole(scope, 'ExternalDnsRole', {
      name: awsNames(this.props.clusterName).externalDnsRole,
    });
    return {
      provider: { name: 'aws' },
      env: [{ name: 'AWS_DEFAULT_REGION', value: this.props.region }],
      serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': role.arn } },
      extraArgs: [`--zone-id-filter=${this.props.externalDnsZoneId}`],
    };
  }

  clusterAutoscaler(scope: Construct): Record<string, unknown> {
    const role = new DataAwsIamRole(scope, 'AutoscalerRole', { name: awsNames(this.props.clusterName).autoscalerRole });
    return {
      autoDiscovery: { clusterName: this.props.clusterName },
      awsRegion: this.props.region,
      rbac: {
        serviceAccount: {
          create: true,
          name: 'cluster-autoscaler',
          annotations: { 'eks.amazonaws.com/role-arn': role.arn },
        },
      },
      extraArgs: { 'balance-similar-node-groups': true, 'skip-nodes-with-system-pods': false, expander: 'least-waste' },
    };
  }
}
