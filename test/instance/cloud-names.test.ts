import { awsInstanceNames } from '../../constructs/aws/naming';
import { azureInstanceResourceNames } from '../../constructs/azure/instance-resources';
import { azureInstanceNames } from '../../constructs/azure/naming';
import { instanceResourceNames } from '../../constructs/cloud-resources';
import { gcpInstanceResourceNames } from '../../constructs/gcp/instance-resources';
import { gcpInstanceNames } from '../../constructs/gcp/naming';
import { instanceCloudName } from '../../constructs/names';

const ALL = { objectStorage: true, queue: true, table: true };

/** Every per-instance cloud name on each cloud, by resource, with the rule its cloud sets on it. */
function namesOf(cluster: string, instance: string): Record<string, [string, RegExp]> {
  const aws = awsInstanceNames(cluster, instance);
  const awsResources = instanceResourceNames(cluster, instance, ALL);
  const gcp = gcpInstanceNames(cluster, instance);
  const gcpResources = gcpInstanceResourceNames(cluster, instance, ALL);
  const azure = azureInstanceNames(cluster, instance);
  const azureResources = azureInstanceResourceNames(cluster, instance, ALL);
  const iamRole = /^[\w+=,.@-]{1,64}$/;
  const rds = /^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/;
  const googleAccount = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
  const azureIdentity = /^[A-Za-z0-9][\w-]{2,127}$/;
  return {
    's3 bucket': [awsResources.bucket!, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/],
    'sqs queue': [awsResources.queue!, /^[\w-]{1,80}$/],
    'dynamodb table': [awsResources.table!, /^[\w.-]{3,255}$/],
    'iam role (cloud)': [aws.cloudRole, iamRole],
    'iam role (secrets)': [aws.secretsRole, iamRole],
    'iam role (database)': [aws.databaseRole, iamRole],
    'iam role (backup)': [aws.backupRole('postgresql'), iamRole],
    'rds identifier': [aws.database, rds],
    'gcs bucket': [gcpResources.bucket!, /^[a-z0-9][a-z0-9_.-]{1,61}[a-z0-9]$/],
    'pubsub topic': [gcpResources.topic!, /^[A-Za-z][\w.~+%-]{2,254}$/],
    'pubsub subscription': [gcpResources.subscription!, /^[A-Za-z][\w.~+%-]{2,254}$/],
    'firestore database': [gcpResources.database!, /^[a-z][a-z0-9-]{2,61}[a-z0-9]$/],
    'service account (cloud)': [gcpResources.account, googleAccount],
    'service account (secrets)': [gcp.secretsAccount, googleAccount],
    'service account (database)': [gcp.databaseAccount, googleAccount],
    'secret manager secret': [gcp.secretId('keycloak-credentials'), /^sandbox-[\w-]{1,247}$/],
    // Cloud SQL: 98 characters with the 6-character suffix drawn at apply time.
    'cloud sql server': [gcp.databaseServer, /^[a-z][a-z0-9-]{0,88}[a-z0-9]$/],
    'storage account': [azureResources.account, /^[a-z0-9]{3,24}$/],
    'managed identity (cloud)': [azureResources.identity, azureIdentity],
    'managed identity (secrets)': [azure.secretsIdentity, azureIdentity],
    'managed identity (database)': [azure.databaseIdentity, azureIdentity],
    // Flexible servers: 63 characters with the 7-character "-<suffix>" drawn at apply time.
    'postgresql flexible server': [azure.databaseServer, /^[a-z0-9][a-z0-9-]{1,54}[a-z0-9]$/],
  };
}

describe('per-instance cloud names', () => {
  it('keep apart instances whose cluster and name join to the same text, on every cloud', () => {
    const a = namesOf('dev', 'eu-x');
    const b = namesOf('dev-eu', 'x');
    const same = Object.keys(a).filter((k) => a[k][0] === b[k][0]);
    expect(same).toEqual([]);
    expect(a['s3 bucket'][0]).toMatch(/^sandbox-dev-eu-x-[0-9a-f]{8}$/);
  });

  it.each([
    ['short names', 'dev', 'x1'],
    ['the longest names', 'c'.repeat(40), `i${'-n'.repeat(31)}`],
  ])("stay within each cloud's length and characters, with %s", (_, cluster, instance) => {
    for (const [what, [name, rule]] of Object.entries(namesOf(cluster, instance)))
      expect({ what, name, ok: rule.test(name) }).toEqual({ what, name, ok: true });
  });

  it('are stable, and keep names of one instance apart even when its long names are shortened alike', () => {
    const id = { cluster: 'c', instance: 'i'.repeat(40) };
    expect(instanceCloudName(id, ['sbx', id.instance], 30)).toBe(instanceCloudName(id, ['sbx', id.instance], 30));
    expect(instanceCloudName(id, ['sbx', id.instance], 30)).not.toBe(
      instanceCloudName(id, ['sbx', id.instance, 'db'], 30),
    );
    expect(instanceCloudName(id, ['sbx', id.instance], 30)).toHaveLength(30);
  });
});
