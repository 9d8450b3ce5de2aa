/** Which cloud resources an instance has of its own; each cloud's instance resources take the same kinds. */
export interface InstanceCloudResourceKinds {
  /** An object storage bucket (S3 bucket, blob container, Cloud Storage bucket). @default false */
  readonly objectStorage?: boolean;
  /** A message queue (SQS queue, storage queue, Pub/Sub topic with one subscription). @default false */
  readonly queue?: boolean;
  /** A key-value table (DynamoDB table with string keys `pk`/`sk`, storage table, Firestore database in Datastore mode). @default false */
  readonly table?: boolean;
}
