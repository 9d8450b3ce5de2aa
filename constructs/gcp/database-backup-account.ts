import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Construct } from 'constructs';
import { boundedName } from '../names';

export interface GcpDatabaseBackupAccountProps {
  readonly clusterName: string;
  readonly instanceName: string;
  readonly namespace: string;
  /** The Kubernetes service account the backed-up block's pods run as. */
  readonly serviceAccount: string;
  readonly project: string;
  readonly bucket: string;
  /** Object prefix the block writes its own backups under. @default - writes nothing */
  readonly writePrefix?: string;
  /** Object prefix of another instance's backups the block restores from, read only. @default - reads none */
  readonly readPrefix?: string;
}

/** An IAM condition that keeps a role to the bucket itself (listing) and the objects under `prefix`. */
export function objectPrefixCondition(bucket: string, prefix: string, title: string) {
  return {
    title,
    description: `The bucket, for listing, and the objects under ${prefix}/ only`,
    expression: `resource.type == "storage.googleapis.com/Bucket" || resource.name.startsWith("projects/_/buckets/${bucket}/objects/${prefix}/")`,
  };
}

/**
 * The Google service account one backed-up block of an instance runs as (workload identity): it may read, write and
 * delete objects under the instance's own prefix of the backup bucket, read those under the prefix of the instance it
 * restores from, and list the bucket (object names; Cloud Storage checks listing on the bucket, which a prefix
 * condition cannot narrow). Only the block's service account in the instance's namespace may impersonate it.
 */
export class GcpDatabaseBackupAccount extends Construct {
  readonly email: string;

  constructor(scope: Construct, id: string, props: GcpDatabaseBackupAccountProps) {
    super(scope, id);
    if (!props.writePrefix && !props.readPrefix)
      throw new Error(`GcpDatabaseBackupAccount "${id}": give writePrefix, readPrefix or both`);
    const account = new ServiceAccount(this, 'Account', {
      accountId: boundedName(['sbb', props.instanceName, props.serviceAccount], 30),
      displayName: `Backups of ${props.serviceAccount} of sandbox instance ${props.instanceName} on ${props.clusterName}`,
    });
    this.email = account.email;
    new ServiceAccountIamMember(this, 'WorkloadIdentity', {
      serviceAccountId: account.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${props.project}.svc.id.goog[${props.namespace}/${props.serviceAccount}]`,
    });
    if (props.writePrefix)
      new StorageBucketIamMember(this, 'Write', {
        bucket: props.bucket,
        role: 'roles/storage.objectUser',
        member: account.member,
        condition: objectPrefixCondition(props.bucket, props.writePrefix, 'own backups'),
      });
    if (props.readPrefix)
      new StorageBucketIamMember(this, 'Read', {
        bucket: props.bucket,
        role: 'roles/storage.objectViewer',
        member: account.member,
        condition: objectPrefixCondition(props.bucket, props.readPrefix, 'source backups'),
      });
  }
}
