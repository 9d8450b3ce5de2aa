import { instanceCloudName } from './names';

/** Which cloud resources an instance has of its own; each cloud's instance resources take the same kinds. */
export interface InstanceCloudResourceKinds {
  /** An object storage bucket (S3 bucket, blob container, Cloud Storage bucket). @default false */
  readonly objectStorage?: boolean;
  /** A message queue (SQS queue, storage queue, Pub/Sub topic with one subscription). @default false */
  readonly queue?: boolean;
  /** A key-value table (DynamoDB table with string keys `pk`/`sk`, storage table, Firestore database in Datastore mode). @default false */
  readonly table?: boolean;
}

/** The names blocks are wired with on AWS and under the cloud mock. */
export interface InstanceCloudResourceNames {
  readonly bucket?: string;
  readonly queue?: string;
  readonly table?: string;
}

/** Names of an instance's AWS (or mocked) cloud resources: derived from cluster and instance, within each service's limits. */
export function instanceResourceNames(
  clusterName: string,
  instanceName: string,
  kinds: InstanceCloudResourceKinds,
): InstanceCloudResourceNames {
  const id = { cluster: clusterName, instance: instanceName };
  const base = ['sandbox', clusterName, instanceName];
  return {
    bucket: kinds.objectStorage ? instanceCloudName(id, base, 63) : undefined,
    queue: kinds.queue ? instanceCloudName(id, base, 80) : undefined,
    table: kinds.table ? instanceCloudName(id, base, 255) : undefined,
  };
}
