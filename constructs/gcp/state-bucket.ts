import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Construct } from 'constructs';

export interface GcsStateBucketProps {
  readonly bucket: string;
  readonly project: string;
  readonly location: string;
  /** Cloud KMS key for the state objects. @default - Google-managed encryption */
  readonly kmsKeyName?: string;
}

/**
 * A state bucket: versioned, uniform access, public access prevented. The gcs
 * backend locks the state itself.
 */
export class GcsStateBucket extends Construct {
  readonly bucket: StorageBucket;

  constructor(scope: Construct, id: string, props: GcsStateBucketProps) {
    super(scope, id);
    this.bucket = new StorageBucket(this, 'Bucket', {
      name: props.bucket,
      project: props.project,
      location: props.location,
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
      encryption: props.kmsKeyName ? { defaultKmsKeyName: props.kmsKeyName } : undefined,
      lifecycleRule: [{ action: { type: 'Delete' }, condition: { numNewerVersions: 20, withState: 'ARCHIVED' } }],
    });
  }
}
