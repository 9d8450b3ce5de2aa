import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { Id } from '@cdktf/provider-random/lib/id';
import { Password } from '@cdktf/provider-random/lib/password';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { MANAGED_DEFAULT_SIZES, type ManagedDatabase, type ManagedDatabaseEngine } from '../instance/managed-database';
import { gcpInstanceNames, gcpNames } from './naming';

interface EngineFacts {
  /** Cloud SQL `database_version` of a version. */
  readonly version: (v: string) => string;
  readonly port: number;
  /** TLS only is set on the server; these flags log what a sandbox's owner may want to see. */
  readonly flags: Readonly<Record<string, string>>;
}

const ENGINES: Readonly<Record<ManagedDatabaseEngine, EngineFacts>> = {
  postgresql: {
    version: (v) => `POSTGRES_${v.split('.')[0]}`,
    port: 5432,
    flags: {
      log_checkpoints: 'on',
      log_connections: 'on',
      log_disconnections: 'on',
      log_duration: 'on',
      log_hostname: 'on',
      log_lock_waits: 'on',
      log_min_messages: 'error',
      log_min_error_statement: 'error',
      log_min_duration_statement: '-1',
      log_temp_files: '0',
      log_statement: 'ddl',
      'cloudsql.enable_pgaudit': 'on',
    },
  },
  mysql: {
    version: (v) => `MYSQL_${v.replace('.', '_')}`,
    port: 3306,
    flags: { local_infile: 'off', skip_show_database: 'on', slow_query_log: 'on', long_query_time: '1' },
  },
};

export interface GcpManagedDatabaseProps {
  /** The cluster whose VPC, key and workload identity pool the server uses. */
  readonly clusterName: string;
  /** The sandbox instance that owns the server. */
  readonly instanceName: string;
  /** The instance's namespace, whose service account reads the admin credential. */
  readonly namespace: string;
  readonly project: string;
  readonly region: string;
  /** Database engine of the server. */
  readonly engine: ManagedDatabaseEngine;
  /** Major (`17`) or major.minor (`8.4`) version. */
  readonly version: string;
  /** Cloud SQL machine tier. @default 'db-custom-1-3840' */
  readonly tier?: string;
  /** @default 20 */
  readonly storageGiB?: number;
  /** The cluster's private services range, where the server gets its address. */
  readonly privateRange: string;
  /** The service account of the instance that reads the admin credential. */
  readonly serviceAccountName: string;
  /** Labels of the server (instance, owner). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A Cloud SQL server of the sandbox instance's own: private address only on the cluster's VPC, TLS only, encrypted
 * with the cluster's `databases` key, removed with the instance (no deletion protection, no final backup: a sandbox's
 * data is seed data or disposable). Its admin password is generated at apply time (in the state, as the instance's
 * other generated credentials are, never in the JSON) and kept in Secret Manager under the cluster's CMEK key, readable
 * only by a Google service account bound to the instance's `serviceAccountName`.
 */
export class GcpManagedDatabase extends Construct {
  readonly server: SqlDatabaseInstance;
  readonly facts: ManagedDatabase;

  constructor(scope: Construct, id: string, props: GcpManagedDatabaseProps) {
    super(scope, id);
    const engine = ENGINES[props.engine];
    const names = gcpNames(props.clusterName);
    const instanceNames = gcpInstanceNames(props.clusterName, props.instanceName);
    // Cloud SQL keeps a deleted server's name for a week; a suffix drawn at apply time lets the instance come back sooner.
    const suffix = new Id(this, 'Suffix', { byteLength: 3 });
    this.server = new SqlDatabaseInstance(this, 'Server', {
      name: `${instanceNames.databaseServer}-${suffix.hex}`,
      databaseVersion: engine.version(props.version),
      region: props.region,
      encryptionKeyName: names.databasesKey(props.project, props.region),
      deletionProtection: false,
      settings: {
        edition: 'ENTERPRISE',
        tier: props.tier ?? MANAGED_DEFAULT_SIZES.gcp.instanceClass,
        availabilityType: 'ZONAL',
        diskType: 'PD_SSD',
        diskSize: props.storageGiB ?? MANAGED_DEFAULT_SIZES.gcp.storageGiB,
        deletionProtectionEnabled: false,
        ipConfiguration: {
          ipv4Enabled: false,
          privateNetwork: `projects/${props.project}/global/networks/${names.network}`,
          sslMode: 'ENCRYPTED_ONLY',
        },
        backupConfiguration: {
          enabled: true,
          ...(props.engine === 'mysql' ? { binaryLogEnabled: true } : { pointInTimeRecoveryEnabled: true }),
          backupRetentionSettings: { retainedBackups: 1 },
        },
        databaseFlags: Object.entries(engine.flags).map(([name, value]) => ({ name, value })),
        userLabels: { ...props.labels },
      },
    });

    const password = new Password(this, 'AdminPassword', {
      length: 32,
      special: false,
      minNumeric: 4,
      minUpper: 4,
      minLower: 4,
    });
    new SqlUser(this, 'Admin', {
      instance: this.server.name,
      name: 'sandbox_admin',
      password: password.result,
      deletionPolicy: 'ABANDON',
    });

    const account = new ServiceAccount(this, 'Account', {
      accountId: instanceNames.databaseAccount,
      displayName: `Database admin credential of sandbox instance ${props.instanceName} on ${props.clusterName}`,
    });
    new ServiceAccountIamMember(this, 'WorkloadIdentity', {
      serviceAccountId: account.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${props.project}.svc.id.goog[${props.namespace}/${props.serviceAccountName}]`,
    });
    const secretId = instanceNames.secretId('database-admin');
    const secret = new SecretManagerSecret(this, 'AdminSecret', {
      secretId,
      replication: {
        userManaged: {
          replicas: [
            {
              location: props.region,
              customerManagedEncryption: { kmsKeyName: names.secretManagerKey(props.project, props.region) },
            },
          ],
        },
      },
      labels: { ...props.labels },
    });
    new SecretManagerSecretVersion(this, 'AdminValue', {
      secret: secret.id,
      secretData: Fn.jsonencode({ username: 'sandbox_admin', password: password.result }),
    });
    new SecretManagerSecretIamMember(this, 'AdminRead', {
      secretId: secret.secretId,
      role: 'roles/secretmanager.secretAccessor',
      member: account.member,
    });

    this.facts = {
      engine: props.engine,
      version: props.version,
      host: this.server.privateIpAddress,
      port: engine.port,
      egressCidr: props.privateRange,
      admin: {
        key: secretId,
        provider: {
          gcpsm: {
            projectID: props.project,
            auth: {
              workloadIdentity: {
                clusterLocation: props.region,
                clusterName: names.gkeCluster,
                serviceAccountRef: { name: props.serviceAccountName },
              },
            },
          },
        },
        serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': account.email },
      },
    };
  }
}
