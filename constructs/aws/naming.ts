import { instanceCloudName } from '../names';

/** Names of one instance's IAM roles and database, unambiguous across clusters (see instanceCloudName). */
export const awsInstanceNames = (cluster: string, instance: string) => {
  const id = { cluster, instance };
  const role = (...what: string[]) => instanceCloudName(id, ['sandbox', cluster, instance, ...what], 64);
  return {
    cloudRole: role('cloud'),
    secretsRole: role('secrets'),
    databaseRole: role('database'),
    /** Backup role of the database whose (CloudNativePG) service account is `serviceAccount`. */
    backupRole: (serviceAccount: string) => role(serviceAccount, 'backup'),
    /** RDS identifier, and the name of its subnet group, parameter group and security group. */
    database: instanceCloudName(id, ['sandbox', cluster, instance], 63),
  };
};

/** Names shared by the AWS cluster stack and the stacks that look the cluster up by name. */
export const awsNames = (cluster: string) => ({
  eksCluster: cluster,
  secretsKeyAlias: `alias/sandbox-${cluster}-secrets`,
  /** Key of volumes, file systems and logs; the platform's storage classes encrypt with it. */
  dataKeyAlias: `alias/sandbox-${cluster}-data`,
  /** IRSA role of the in-cluster secret operator; the platform stack finds it by this name. */
  secretOperatorRole: `sandbox-${cluster}-secret-operator`,
  /** IRSA role of the cluster autoscaler. */
  autoscalerRole: `sandbox-${cluster}-cluster-autoscaler`,
  /** IRSA role of external-dns, when the cluster writes DNS records. */
  externalDnsRole: `sandbox-${cluster}-external-dns`,
  efsCreationToken: `${cluster}-shared`,
  blockStorageClass: 'gp3-encrypted',
  sharedStorageClass: 'efs-shared',
});

/** Alias (without `alias/`) of the key a state bucket creates when it is given none; the S3 backend writes with it. */
export function s3StateKeyAlias(bucket: string): string {
  return `${bucket}-state`;
}
