import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA as S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import {
  instanceResourceNames,
  type InstanceCloudResourceKinds,
  type InstanceCloudResourceNames,
} from '../cloud-resources';
import { kmsUseStatement, type KmsService } from './kms-use';
import { awsInstanceNames, awsNames } from './naming';
import { ServiceAccountRole, type IamStatement } from './service-account-role';

export type { InstanceCloudResourceKinds, InstanceCloudResourceNames };
export { instanceResourceNames };

export interface AwsInstanceResourcesProps extends InstanceCloudResourceKinds {
  readonly clusterName: string;
  readonly instanceName: string;
  readonly namespace: string;
  /** The cluster's OIDC issuer URL; its IAM provider is looked up by it. */
  readonly oidcIssuerUrl: string;
  /** The service account of the instance's workloads that may use the resources. */
  readonly serviceAccountName: string;
}

/**
 * An instance's own S3 bucket, SQS queue and DynamoDB table, encrypted with the cluster's data key, and an IRSA role
 * that only the instance's workload service account can assume, allowed exactly the data actions on exactly these
 * resources. Cost tags (instance, owner) come from the instance stack's provider default tags.
 */
export class AwsInstanceResources extends Construct {
  readonly names: InstanceCloudResourceNames;
  readonly roleArn: string;
  readonly bucket?: S3Bucket;
  readonly queue?: SqsQueue;
  readonly table?: DynamodbTable;

  constructor(scope: Construct, id: string, props: AwsInstanceResourcesProps) {
    super(scope, id);
    if (!props.objectStorage && !props.queue && !props.table)
      throw new Error(`AwsInstanceResources "${id}": ask for at least one of objectStorage, queue, table`);
    this.names = instanceResourceNames(props.clusterName, props.instanceName, props);
    const key = new DataAwsKmsAlias(this, 'Key', { name: awsNames(props.clusterName).dataKeyAlias });
    const region = new DataAwsRegion(this, 'Region').region;
    const statements: IamStatement[] = [];
    // The data key, only through the service that holds each resource and only for that resource.
    const useKey = (service: KmsService, resources: string[]) =>
      statements.push(
        kmsUseStatement({
          keyArn: key.targetKeyArn,
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          service,
          region,
          resources,
        }),
      );

    if (this.names.bucket) {
      const bucket = (this.bucket = new S3Bucket(this, 'Bucket', { bucket: this.names.bucket, forceDestroy: true }));
      new S3BucketVersioning(this, 'Versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
      new S3BucketServerSideEncryptionConfiguration(this, 'Encryption', {
        bucket: bucket.id,
        rule: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.targetKeyArn },
            bucketKeyEnabled: true,
          },
        ],
      });
      new S3BucketPublicAccessBlock(this, 'PublicAccess', {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      new S3BucketOwnershipControls(this, 'Ownership', {
        bucket: bucket.id,
        rule: { objectOwnership: 'BucketOwnerEnforced' },
      });
      new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
        bucket: bucket.id,
        rule: [
          {
            id: 'old-versions',
            status: 'Enabled',
            filter: [{ prefix: '' }],
            noncurrentVersionExpiration: [{ noncurrentDays: 7 }],
            abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
          },
        ],
      });
      new S3BucketPolicy(this, 'TlsOnly', {
        bucket: bucket.id,
        policy: Fn.jsonencode({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [bucket.arn, `${bucket.arn}/*`],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        }),
      });
      useKey('s3', [bucket.arn, `${bucket.arn}/*`]);
      statements.push(
        { actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [bucket.arn] },
        {
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
          resources: [`${bucket.arn}/*`],
        },
      );
    }
    if (this.names.queue) {
      this.queue = new SqsQueue(this, 'Queue', {
        name: this.names.queue,
        kmsMasterKeyId: key.targetKeyArn,
        kmsDataKeyReusePeriodSeconds: 300,
        messageRetentionSeconds: 345600,
      });
      useKey('sqs', [this.queue.arn]);
      statements.push({
        actions: [
          'sqs:SendMessage',
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
        ],
        resources: [this.queue.arn],
      });
    }
    if (this.names.table) {
      this.table = new DynamodbTable(this, 'Table', {
        name: this.names.table,
        billingMode: 'PAY_PER_REQUEST',
        hashKey: 'pk',
        rangeKey: 'sk',
        attribute: [
          { name: 'pk', type: 'S' },
          { name: 'sk', type: 'S' },
        ],
        serverSideEncryption: { enabled: true, kmsKeyArn: key.targetKeyArn },
        pointInTimeRecovery: { enabled: true },
      });
      useKey('dynamodb', [this.names.table]);
      statements.push({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:DescribeTable',
        ],
        resources: [this.table.arn, `${this.table.arn}/index/*`],
      });
    }

    const oidc = new DataAwsIamOpenidConnectProvider(this, 'Oidc', { url: props.oidcIssuerUrl });
    const role = new ServiceAccountRole(this, 'Role', {
      oidcProvider: { arn: oidc.arn, issuerUrl: props.oidcIssuerUrl },
      namespace: props.namespace,
      serviceAccount: props.serviceAccountName,
      roleName: awsInstanceNames(props.clusterName, props.instanceName).cloudRole,
      statements,
    });
    this.roleArn = role.arn;
  }
}
