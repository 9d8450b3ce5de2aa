import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA as S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { SandboxKmsKey } from './kms-key';
import { s3StateKeyAlias } from './naming';

export interface S3StateBucketProps {
  readonly bucket: string;
  /** Key for the state objects. @default - a new customer key with rotation */
  readonly kmsKeyId?: string;
  /** Days old state versions are kept. @default 90 */
  readonly noncurrentVersionDays?: number;
}

/**
 * A state bucket: versioned, encrypted with a customer key, closed to the
 * public, owner-enforced, and reachable over TLS only. Locking needs nothing
 * more: the backend writes an S3-native lock file.
 */
export class S3StateBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: S3StateBucketProps) {
    super(scope, id);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.bucket)) {
      throw new Error(
        `S3StateBucket "${id}": bucket must be 3-63 lower-case letters, digits, "." and "-", got "${props.bucket}"`,
      );
    }
    const keyArn =
      props.kmsKeyId ??
      new SandboxKmsKey(this, 'Key', {
        alias: s3StateKeyAlias(props.bucket),
        description: `Terraform state in ${props.bucket}`,
      }).arn;
    this.bucket = new S3Bucket(this, 'Bucket', { bucket: props.bucket });
    new S3BucketVersioning(this, 'Versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfiguration(this, 'Encryption', {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyArn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketPublicAccessBlock(this, 'PublicAccess', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'Ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'old-state-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    new S3BucketPolicy(this, 'TlsOnly', {
      bucket: this.bucket.id,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });
  }
}
