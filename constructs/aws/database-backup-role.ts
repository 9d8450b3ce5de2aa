import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { Construct } from 'constructs';
import { awsInstanceNames } from './naming';
import { ServiceAccountRole, type IamStatement } from './service-account-role';

export interface DatabaseBackupRoleProps {
  readonly clusterName: string;
  readonly instanceName: string;
  readonly namespace: string;
  /** The CloudNativePG Cluster's service account: the Cluster's (and the block's) name. */
  readonly serviceAccount: string;
  /** The cluster's OIDC issuer URL; its IAM provider is looked up by it. */
  readonly oidcIssuerUrl: string;
  readonly bucket: string;
  /** Key prefix the instance writes its own backups and WAL under. @default - writes nothing */
  readonly writePrefix?: string;
  /** Key prefix of another instance's backups the instance restores from, read only. @default - reads no other instance's backups */
  readonly readPrefix?: string;
}

/**
 * The IAM role of one CloudNativePG Cluster of an instance (IRSA): read and write under the instance's own key
 * prefix of the backup bucket, read only under the prefix of the instance it restores from, nothing else of the
 * bucket. Only the Cluster's service account in the instance's namespace can assume it.
 */
export class DatabaseBackupRole extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: DatabaseBackupRoleProps) {
    super(scope, id);
    if (!props.writePrefix && !props.readPrefix)
      throw new Error(`DatabaseBackupRole "${id}": give writePrefix, readPrefix or both`);
    const partition = new DataAwsPartition(this, 'Partition');
    const bucketArn = `arn:${partition.partition}:s3:::${props.bucket}`;
    const prefixes = [props.writePrefix, props.readPrefix].filter((p): p is string => !!p);
    const statements: IamStatement[] = [
      { actions: ['s3:GetBucketLocation'], resources: [bucketArn] },
      {
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: [{ test: 'StringLike', variable: 's3:prefix', values: prefixes.flatMap((p) => [p, `${p}/*`]) }],
      },
    ];
    if (props.writePrefix) {
      statements.push({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [`${bucketArn}/${props.writePrefix}/*`],
      });
    }
    if (props.readPrefix)
      statements.push({ actions: ['s3:GetObject'], resources: [`${bucketArn}/${props.readPrefix}/*`] });

    const oidc = new DataAwsIamOpenidConnectProvider(this, 'Oidc', { url: props.oidcIssuerUrl });
    this.arn = new ServiceAccountRole(this, 'Role', {
      oidcProvider: { arn: oidc.arn, issuerUrl: props.oidcIssuerUrl },
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleName: awsInstanceNames(props.clusterName, props.instanceName).backupRole(props.serviceAccount),
      statements,
    }).arn;
  }
}
