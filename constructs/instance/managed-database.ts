import type { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CatalogEntry } from '../catalog/types';
import { packagedChartValues } from './mocks';

/* The Job binding is about a sixth of the provider code a synth loads; only an instance with a managed database needs it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jobV1 = () => (require('@cdktf/provider-kubernetes/lib/job-v1') as { JobV1: typeof JobV1 }).JobV1;

/** Engines a managed database server offers. */
export type ManagedDatabaseEngine = 'postgresql' | 'mysql';

/** A database server of the instance's own outside the cluster (RDS, …), as the instance wires it. */
export interface ManagedDatabase {
  /** Database engine of the server. */
  readonly engine: ManagedDatabaseEngine;
  /** Engine version, major or major.minor; requirements of blocks match it as `<major>.<minor>.0`. */
  readonly version: string;
  /** Private host name of the server. */
  readonly host: string;
  /** Port the server listens on. */
  readonly port: number;
  /** The range the server's address is in; the instance's pods may reach it on `port`. */
  readonly egressCidr: string;
  /** How the instance's own SecretStore reads the master credential (keys `username` and `password`). */
  readonly admin: {
    /** The secret manager entry. */
    readonly key: string;
    /** The external-secrets SecretStore provider. */
    readonly provider: Readonly<Record<string, unknown>>;
    /** Annotations that bind the store's service account to its cloud identity. */
    readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  };
}

/** Engine versions of a managed server when the config names none. */
export const MANAGED_DEFAULT_VERSIONS: Readonly<Record<ManagedDatabaseEngine, string>> = {
  postgresql: '17',
  mysql: '8.4',
};

/** Server size and storage of a managed server on each cloud when the config names none. */
export const MANAGED_DEFAULT_SIZES: Readonly<
  Record<'aws' | 'gcp' | 'azure', { readonly instanceClass: string; readonly storageGiB: number }>
> = {
  aws: { instanceClass: 'db.t4g.micro', storageGiB: 20 },
  gcp: { instanceClass: 'db-custom-1-3840', storageGiB: 20 },
  azure: { instanceClass: 'B_Standard_B1ms', storageGiB: 32 },
};

/** Service account, SecretStore and Secret of the master credential in the instance namespace. */
export const MANAGED_DATABASE_ACCOUNT = 'sandbox-database';
export const MANAGED_DATABASE_ADMIN_SECRET = 'sandbox-database-admin';
/** The connection URI of each engine, with TLS required (the server refuses plain connections). */
export const MANAGED_DATABASE_URI: Readonly<Record<ManagedDatabaseEngine, string>> = {
  postgresql: 'postgresql://{username}:{password}@{host}:{port}/{database}?sslmode=require',
  mysql: 'mysql://{username}:{password}@{host}:{port}/{database}?ssl-mode=REQUIRED',
};
/** Client images of the database-users job: the catalog's own server images, which carry the client. */
const CLIENT: Readonly<
  Record<ManagedDatabaseEngine, { readonly image: string; readonly mirrored: string; readonly uid: number }>
> = {
  postgresql: { image: 'ghcr.io/cloudnative-pg/postgresql:18.3', mirrored: 'cloudnative-pg/postgresql:18.3', uid: 26 },
  mysql: { image: 'docker.io/library/mysql:8.4.8', mirrored: 'library/mysql:8.4.8', uid: 999 },
};
/** Stands in for the managed server in requirement matching; never a block name (not a DNS label). */
export const managedProviderName = (engine: ManagedDatabaseEngine) => `(managed ${engine})`;

/** A catalog entry that only carries the managed server's labels, so that blocks' strong requirements on the engine hold. */
export function managedProviderEntry(db: Pick<ManagedDatabase, 'engine' | 'version'>): CatalogEntry {
  const [major, minor = '0'] = db.version.split('.');
  return {
    name: managedProviderName(db.engine),
    labels: { kind: 'database', [`provides-${db.engine}`]: 'true', version: `${major}.${minor}.0`, managed: 'true' },
    chart: { repository: 'none', name: 'none', version: '0.0.0' },
    resources: { cpu: '0', memory: '0' },
    images: [],
  };
}

/** One consumer of the managed server: its user (also the name of its first database) and the databases it owns. */
export interface ManagedDatabaseConsumer {
  /** User name: the block's name. */
  readonly user: string;
  /** Databases the user owns, its own name first. */
  readonly databases: readonly string[];
  /** Secret whose key `password` holds the user's password. */
  readonly secret: string;
}

export interface ManagedDatabaseUsersProps {
  /** The instance namespace. */
  readonly namespace: string;
  /** The server. */
  readonly database: ManagedDatabase;
  /** Blocks that get a user and databases of their own on it. */
  readonly consumers: readonly ManagedDatabaseConsumer[];
  /** Registry that mirrors every image. @default - none */
  readonly registryMirror?: string;
  /** The namespace and the consumers' Secrets. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * The instance's side of its managed database server: the master credential synced from the cloud secret manager by
 * a SecretStore of its own, egress from the namespace to the server's port, and a Job that creates, idempotently,
 * each consumer's user with the password of its `<block>-database` Secret and the databases it owns, closed to other
 * users. A Job, not a Terraform provider, because the server is only reachable from inside the cluster's network.
 */
export class ManagedDatabaseUsers extends Construct {
  /** Consumers install once this has run. */
  readonly ready: ITerraformDependable[];
  /** The users job's image, as its registry names it (for the bill of materials); none without consumers. */
  readonly image?: string;

  constructor(scope: Construct, id: string, props: ManagedDatabaseUsersProps) {
    super(scope, id);
    const db = props.database;
    const ns = props.namespace;
    const account = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: {
        name: MANAGED_DATABASE_ACCOUNT,
        namespace: ns,
        annotations: { ...db.admin.serviceAccountAnnotations },
      },
      automountServiceAccountToken: false,
      dependsOn: props.dependsOn,
    });
    const store = new Manifest(this, 'SecretStore', {
      manifest: {
        apiVersion: 'external-secrets.io/v1',
        kind: 'SecretStore',
        metadata: { name: MANAGED_DATABASE_ACCOUNT, namespace: ns },
        spec: { provider: db.admin.provider },
      },
      dependsOn: [account],
    });
    const admin = new Manifest(this, 'AdminSecret', {
      manifest: {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: MANAGED_DATABASE_ADMIN_SECRET, namespace: ns },
        spec: {
          refreshInterval: '1h',
          secretStoreRef: { kind: 'SecretStore', name: MANAGED_DATABASE_ACCOUNT },
          target: { name: MANAGED_DATABASE_ADMIN_SECRET, creationPolicy: 'Owner', deletionPolicy: 'Delete' },
          dataFrom: [{ extract: { key: db.admin.key } }],
        },
      },
      waitFor: { fields: { 'status.conditions[0].status': 'True' } },
      dependsOn: [store],
    });
    const egress = new NetworkPolicyV1(this, 'Egress', {
      metadata: { name: 'allow-managed-database', namespace: ns },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: db.egressCidr } }], ports: [{ protocol: 'TCP', port: String(db.port) }] }],
      },
      dependsOn: props.dependsOn,
    });
    this.ready = [admin, egress];
    if (props.consumers.length === 0) return;

    const client = CLIENT[db.engine];
    this.image = client.image;
    const secretEnv = (name: string, secret: string, key: string) => ({
      name,
      valueFrom: { secretKeyRef: { name: secret, key } },
    });
    const job = new (jobV1())(this, 'Users', {
      metadata: {
        name: 'sandbox-database-users',
        namespace: ns,
        labels: { 'app.kubernetes.io/managed-by': 'sandboxkit', 'app.kubernetes.io/name': 'sandbox-database-users' },
      },
      spec: {
        backoffLimit: 6,
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'sandbox-database-users' } },
          spec: {
            restartPolicy: 'Never',
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: String(client.uid),
              runAsGroup: String(client.uid),
              seccompProfile: { type: 'RuntimeDefault' },
            },
            container: [
              {
                name: 'users',
                image: props.registryMirror ? `${props.registryMirror}/${client.mirrored}` : client.image,
                command: ['/bin/sh', '-ec', usersScript(db.engine, props.consumers)],
                env: [
                  { name: 'HOME', value: '/tmp' },
                  { name: 'DB_HOST', value: db.host },
                  { name: 'DB_PORT', value: String(db.port) },
                  secretEnv('ADMIN_USER', MANAGED_DATABASE_ADMIN_SECRET, 'username'),
                  secretEnv('ADMIN_PASSWORD', MANAGED_DATABASE_ADMIN_SECRET, 'password'),
                  ...props.consumers.map((c, i) => secretEnv(`PASSWORD_${i}`, c.secret, 'password')),
                ],
                resources: jobResources(),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMount: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volume: [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }],
          },
        },
      },
      waitForCompletion: true,
      timeouts: { create: '15m', update: '15m' },
      dependsOn: [...props.dependsOn, admin, egress],
    });
    this.ready = [job];
  }
}

/** The seed job's resources: the quota check counts this job as one seed job. */
function jobResources(): { requests: Record<string, string>; limits: Record<string, string> } {
  const r = packagedChartValues('seed-data').resources as {
    requests: Record<string, string>;
    limits: Record<string, string>;
  };
  return { requests: { ...r.requests }, limits: { ...r.limits } };
}

/**
 * Shell script that creates each consumer's user and databases, or resets the password of those that exist. Names are
 * DNS labels (or `<label>_<word>`), so quoting them as identifiers suffices; passwords come from the environment and
 * reach the server as bound psql variables or, for MySQL, as letters and digits only (the instance generates them so).
 * No `${` appears, so Terraform leaves the text alone.
 */
export function usersScript(engine: ManagedDatabaseEngine, consumers: readonly ManagedDatabaseConsumer[]): string {
  if (engine === 'postgresql') {
    const vars = consumers.map((_, i) => `-v pw_${i}="$PASSWORD_${i}"`).join(' ');
    const sql = consumers.flatMap((c, i) => [
      `SELECT format('CREATE ROLE %I LOGIN', '${c.user}') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${c.user}')\\gexec`,
      `ALTER ROLE "${c.user}" WITH LOGIN PASSWORD :'pw_${i}';`,
      `GRANT "${c.user}" TO CURRENT_USER;`,
      ...c.databases.flatMap((d) => [
        `SELECT format('CREATE DATABASE %I OWNER %I', '${d}', '${c.user}') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${d}')\\gexec`,
        `REVOKE ALL ON DATABASE "${d}" FROM PUBLIC;`,
      ]),
    ]);
    return [
      'export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$ADMIN_USER" PGPASSWORD="$ADMIN_PASSWORD" PGDATABASE=postgres PGSSLMODE=require',
      `psql -v ON_ERROR_STOP=1 ${vars} <<'SQL'`,
      ...sql,
      'SQL',
    ].join('\n');
  }
  const sql = consumers.flatMap((c, i) => [
    `CREATE USER IF NOT EXISTS '${c.user}'@'%' IDENTIFIED BY '$PASSWORD_${i}' REQUIRE SSL;`,
    `ALTER USER '${c.user}'@'%' IDENTIFIED BY '$PASSWORD_${i}' REQUIRE SSL;`,
    ...c.databases.flatMap((d) => [
      `CREATE DATABASE IF NOT EXISTS \\\`${d}\\\`;`,
      `GRANT ALL PRIVILEGES ON \\\`${d}\\\`.* TO '${c.user}'@'%';`,
    ]),
  ]);
  return [
    'for i in $(env | sed -n "s/^\\(PASSWORD_[0-9]*\\)=.*/\\1/p"); do eval "v=\\$$i"; case "$v" in *[!A-Za-z0-9]*) echo "$i is not alphanumeric" >&2; exit 1;; esac; done',
    'export MYSQL_PWD="$ADMIN_PASSWORD"',
    'mysql --ssl-mode=REQUIRED -h "$DB_HOST" -P "$DB_PORT" -u "$ADMIN_USER" <<SQL',
    ...sql,
    'SQL',
  ].join('\n');
}
