import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { MANAGED_DEFAULT_SIZES, type ManagedDatabase, type ManagedDatabaseEngine } from '../instance/managed-database';
import { awsInstanceNames, awsNames } from './naming';
import { kmsUseStatement } from './kms-use';
import { ServiceAccountRole } from './service-account-role';

interface EngineFacts {
  /** What RDS calls the engine. */
  readonly rds: string;
  readonly port: number;
  /** Logs exported to CloudWatch. */
  readonly logs: readonly string[];
  /** Parameter group family of a version. */
  readonly family: (version: string) => string;
  /** TLS required on every connection, whatever the version's default; DDL and slow statements logged. */
  readonly parameters: Readonly<Record<string, string>>;
}

const ENGINES: Readonly<Record<ManagedDatabaseEngine, EngineFacts>> = {
  postgresql: {
    rds: 'postgres',
    port: 5432,
    logs: ['postgresql', 'upgrade'],
    family: (v) => `postgres${v.split('.')[0]}`,
    parameters: { 'rds.force_ssl': '1', log_statement: 'ddl', log_min_duration_statement: '1000' },
  },
  mysql: {
    rds: 'mysql',
    port: 3306,
    logs: ['error', 'slowquery'],
    family: (v) => `mysql${v.split('.').slice(0, 2).join('.')}`,
    parameters: { require_secure_transport: '1', slow_query_log: '1', long_query_time: '1' },
  },
};

export interface AwsManagedDatabaseProps {
  /** The cluster whose network, keys and OIDC provider the server uses; names derive from it. */
  readonly clusterName: string;
  /** The sandbox instance that owns the server. */
  readonly instanceName: string;
  /** The instance's namespace, whose service account reads the master credential. */
  readonly namespace: string;
  /** Region of the cluster, where the master secret is read. */
  readonly region: string;
  /** Database engine of the server. */
  readonly engine: ManagedDatabaseEngine;
  /** Engine version RDS accepts, a major (`17`) or major.minor (`8.4`); minor upgrades apply automatically. */
  readonly version: string;
  /** DB instance class. @default 'db.t4g.micro' */
  readonly instanceClass?: string;
  /** Allocated gp3 storage. @default 20 */
  readonly storageGiB?: number;
  /** The cluster's VPC. */
  readonly vpcId: string;
  /** The cluster's subnets (its private ones), where the server gets its address. */
  readonly subnetIds: string[];
  /** The security group the cluster's nodes and pods carry; the only source the server admits. */
  readonly clusterSecurityGroupId: string;
  /** The cluster's OIDC issuer URL; its IAM provider is looked up by it. */
  readonly oidcIssuerUrl: string;
  /** The service account of the instance that reads the master credential. */
  readonly serviceAccountName: string;
}

/**
 * An RDS instance of the sandbox instance's own, in the cluster's private subnets: encrypted with the cluster's data
 * key, reachable only from the cluster's security group on the engine's port, its master password generated and
 * rotated by RDS in Secrets Manager (under the cluster's secrets key) so that it is in neither the Terraform JSON nor
 * the state, and an IRSA role that lets only the instance's `serviceAccountName` read that one secret.
 * It goes with the instance, without a final snapshot: a sandbox's data is seed data or disposable by definition, and
 * a snapshot per destroyed instance would outlive the instance and keep costing.
 */
export class AwsManagedDatabase extends Construct {
  readonly database: DbInstance;
  readonly facts: ManagedDatabase;

  constructor(scope: Construct, id: string, props: AwsManagedDatabaseProps) {
    super(scope, id);
    const engine = ENGINES[props.engine];
    const names = awsNames(props.clusterName);
    const instanceNames = awsInstanceNames(props.clusterName, props.instanceName);
    const name = instanceNames.database;
    const dataKey = new DataAwsKmsAlias(this, 'DataKey', { name: names.dataKeyAlias });
    const secretsKey = new DataAwsKmsAlias(this, 'SecretsKey', { name: names.secretsKeyAlias });

    const subnets = new DbSubnetGroup(this, 'Subnets', {
      name,
      description: `Private subnets of cluster ${props.clusterName}`,
      subnetIds: props.subnetIds,
    });
    const group = new SecurityGroup(this, 'SecurityGroup', {
      name,
      description: `${props.engine} of sandbox instance ${props.instanceName}: the cluster's nodes and pods only`,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
    });
    new VpcSecurityGroupIngressRule(this, 'FromCluster', {
      securityGroupId: group.id,
      description: 'The cluster security group',
      ipProtocol: 'tcp',
      fromPort: engine.port,
      toPort: engine.port,
      referencedSecurityGroupId: props.clusterSecurityGroupId,
    });

    const parameters = new DbParameterGroup(this, 'Parameters', {
      name,
      family: engine.family(props.version),
      description: `${props.engine} settings of sandbox instance ${props.instanceName}`,
      parameter: Object.entries(engine.parameters).map(([key, value]) => ({ name: key, value })),
    });

    this.database = new DbInstance(this, 'Database', {
      identifier: name,
      engine: engine.rds,
      engineVersion: props.version,
      autoMinorVersionUpgrade: true,
      instanceClass: props.instanceClass ?? MANAGED_DEFAULT_SIZES.aws.instanceClass,
      allocatedStorage: props.storageGiB ?? MANAGED_DEFAULT_SIZES.aws.storageGiB,
      storageType: 'gp3',
      storageEncrypted: true,
      kmsKeyId: dataKey.targetKeyArn,
      username: 'sandbox_admin',
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: secretsKey.targetKeyArn,
      iamDatabaseAuthenticationEnabled: true,
      dbSubnetGroupName: subnets.name,
      parameterGroupName: parameters.name,
      vpcSecurityGroupIds: [group.id],
      publiclyAccessible: false,
      port: engine.port,
      caCertIdentifier: 'rds-ca-rsa2048-g1',
      enabledCloudwatchLogsExports: [...engine.logs],
      copyTagsToSnapshot: true,
      backupRetentionPeriod: 1,
      deleteAutomatedBackups: true,
      skipFinalSnapshot: true,
      deletionProtection: false,
      applyImmediately: true,
    });
    const masterSecretArn = this.database.masterUserSecret.get(0).secretArn;

    const oidc = new DataAwsIamOpenidConnectProvider(this, 'Oidc', { url: props.oidcIssuerUrl });
    const role = new ServiceAccountRole(this, 'Role', {
      oidcProvider: { arn: oidc.arn, issuerUrl: props.oidcIssuerUrl },
      namespace: props.namespace,
      serviceAccount: props.serviceAccountName,
      roleName: instanceNames.databaseRole,
      statements: [
        { actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [masterSecretArn] },
        kmsUseStatement({
          keyArn: secretsKey.targetKeyArn,
          actions: ['kms:Decrypt'],
          service: 'secretsmanager',
          region: props.region,
          resources: [masterSecretArn],
        }),
      ],
    });
    const vpc = new DataAwsVpc(this, 'Vpc', { id: props.vpcId });

    this.facts = {
      engine: props.engine,
      version: props.version,
      host: this.database.address,
      port: engine.port,
      egressCidr: vpc.cidrBlock,
      admin: {
        key: masterSecretArn,
        provider: {
          aws: {
            service: 'SecretsManager',
            region: props.region,
            auth: { jwt: { serviceAccountRef: { name: props.serviceAccountName } } },
          },
        },
        serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': role.arn },
      },
    };
  }
}
