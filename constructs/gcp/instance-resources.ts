import { FirestoreDatabase } from '@cdktf/provider-google/lib/firestore-database';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubSubscriptionIamMember } from '@cdktf/provider-google/lib/pubsub-subscription-iam-member';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Construct } from 'constructs';
import type { InstanceCloudResourceKinds } from '../cloud-resources';
import { boundedName, instanceCloudName } from '../names';
import { gcpInstanceNames, gcpNames } from './naming';

/** Names of an instance's Google resources. */
export interface GcpInstanceResourceNames {
  /** Cloud Storage bucket: 3-63 characters, globally unique, never containing "google". */
  readonly bucket?: string;
  /** Pub/Sub topic, and its one subscription of the same name. */
  readonly topic?: string;
  readonly subscription?: string;
  /** Firestore database id: 4-63 lower-case letters, digits and dashes. */
  readonly database?: string;
  /** Google service account id: 6-30 characters. */
  readonly account: string;
}

/** Names derived from cluster and instance, within each service's limits. */
export function gcpInstanceResourceNames(
  clusterName: string,
  instanceName: string,
  kinds: InstanceCloudResourceKinds,
): GcpInstanceResourceNames {
  const id = { cluster: clusterName, instance: instanceName };
  const base = ['sandbox', clusterName, instanceName];
  return {
    bucket: kinds.objectStorage ? instanceCloudName(id, base, 63) : undefined,
    topic: kinds.queue ? instanceCloudName(id, base, 255) : undefined,
    subscription: kinds.queue ? instanceCloudName(id, base, 255) : undefined,
    database: kinds.table ? instanceCloudName(id, base, 63) : undefined,
    account: gcpInstanceNames(clusterName, instanceName).cloudAccount,
  };
}

export interface GcpInstanceResourcesProps extends InstanceCloudResourceKinds {
  readonly clusterName: string;
  readonly instanceName: string;
  readonly namespace: string;
  readonly project: string;
  readonly region: string;
  /** The service account of the instance's workloads that may use the resources. */
  readonly serviceAccountName: string;
}

/**
 * An instance's own Cloud Storage bucket (uniform access, public access prevention, versioned), Pub/Sub topic with
 * one pull subscription, and Firestore database in Datastore mode (the key-value store that costs nothing idle;
 * Bigtable bills its nodes by the hour), all in the cluster's region under its instance data key. A Google service
 * account that only the instance's workload service account can impersonate holds a data role on exactly each of them.
 */
export class GcpInstanceResources extends Construct {
  readonly names: GcpInstanceResourceNames;
  readonly account: ServiceAccount;
  readonly bucket?: StorageBucket;
  readonly topic?: PubsubTopic;
  readonly subscription?: PubsubSubscription;
  readonly database?: FirestoreDatabase;

  constructor(scope: Construct, id: string, props: GcpInstanceResourcesProps) {
    super(scope, id);
    const where = `GcpInstanceResources "${id}"`;
    if (!props.objectStorage && !props.queue && !props.table)
      throw new Error(`${where}: ask for at least one of objectStorage, queue, table`);
    this.names = gcpInstanceResourceNames(props.clusterName, props.instanceName, props);
    if (this.names.bucket?.includes('google'))
      throw new Error(`${where}: bucket names must not contain "google", got "${this.names.bucket}"`);
    const kmsKeyName = gcpNames(props.clusterName).instanceDataKey(props.project, props.region);

    this.account = new ServiceAccount(this, 'Account', {
      accountId: this.names.account,
      displayName: `Cloud resources of sandbox instance ${props.instanceName} on ${props.clusterName}`,
    });
    new ServiceAccountIamMember(this, 'WorkloadIdentity', {
      serviceAccountId: this.account.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${props.project}.svc.id.goog[${props.namespace}/${props.serviceAccountName}]`,
    });
    const member = this.account.member;

    if (this.names.bucket) {
      this.bucket = new StorageBucket(this, 'Bucket', {
        name: this.names.bucket,
        location: props.region,
        forceDestroy: true,
        uniformBucketLevelAccess: true,
        publicAccessPrevention: 'enforced',
        versioning: { enabled: true },
        encryption: { defaultKmsKeyName: kmsKeyName },
        lifecycleRule: [
          { action: { type: 'Delete' }, condition: { daysSinceNoncurrentTime: 7, withState: 'ARCHIVED' } },
          { action: { type: 'AbortIncompleteMultipartUpload' }, condition: { age: 1 } },
        ],
      });
      new StorageBucketIamMember(this, 'BucketUser', {
        bucket: this.bucket.name,
        role: 'roles/storage.objectUser',
        member,
      });
    }
    if (this.names.topic && this.names.subscription) {
      this.topic = new PubsubTopic(this, 'Topic', {
        name: this.names.topic,
        kmsKeyName,
        messageRetentionDuration: '345600s',
        messageStoragePolicy: { allowedPersistenceRegions: [props.region] },
      });
      this.subscription = new PubsubSubscription(this, 'Subscription', {
        name: this.names.subscription,
        topic: this.topic.id,
        ackDeadlineSeconds: 30,
        messageRetentionDuration: '345600s',
        // The subscription goes with the instance, not after a month without pulls.
        expirationPolicy: { ttl: '' },
      });
      new PubsubTopicIamMember(this, 'TopicPublisher', {
        topic: this.topic.name,
        role: 'roles/pubsub.publisher',
        member,
      });
      new PubsubSubscriptionIamMember(this, 'SubscriptionSubscriber', {
        subscription: this.subscription.name,
        role: 'roles/pubsub.subscriber',
        member,
      });
    }
    if (this.names.database) {
      this.database = new FirestoreDatabase(this, 'Database', {
        name: this.names.database,
        locationId: props.region,
        type: 'DATASTORE_MODE',
        pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_ENABLED',
        deleteProtectionState: 'DELETE_PROTECTION_DISABLED',
        deletionPolicy: 'DELETE',
        cmekConfig: { kmsKeyName },
      });
      // Firestore has no per-database IAM policy: a project binding, conditioned on exactly this database.
      new ProjectIamMember(this, 'DatabaseUser', {
        project: props.project,
        role: 'roles/datastore.user',
        member,
        condition: {
          title: boundedName(['only', this.names.database], 100),
          description: `Only the Firestore database of sandbox instance ${props.instanceName}`,
          expression: `resource.name == "projects/${props.project}/databases/${this.names.database}"`,
        },
      });
    }
  }
}
