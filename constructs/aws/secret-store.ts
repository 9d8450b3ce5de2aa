import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { Construct } from 'constructs';
import { secretPathPrefix } from '../cluster';
import { SandboxKmsKey } from './kms-key';
import { kmsUseStatement } from './kms-use';
import { awsNames } from './naming';
import { ServiceAccountRole, type IamStatement, type OidcProviderRef } from './service-account-role';

export interface AwsSecretStoreProps {
  readonly clusterName: string;
  readonly oidcProvider: OidcProviderRef;
  /** Namespace and service account of the in-cluster secret operator. */
  readonly operator: { readonly namespace: string; readonly serviceAccount: string };
}

/**
 * Secrets Manager as the cluster's secret store: a customer key for the
 * secrets, and an IRSA role for the secret operator that reads only
 * `sandbox/<cluster>/*` and nothing else in the account.
 */
export class AwsSecretStore extends Construct {
  readonly key: SandboxKmsKey;
  readonly operatorRole: ServiceAccountRole;
  /** ARN pattern of every secret under this cluster's prefix. */
  readonly secretArnPattern: string;

  constructor(scope: Construct, id: string, props: AwsSecretStoreProps) {
    super(scope, id);
    const names = awsNames(props.clusterName);
    this.key = new SandboxKmsKey(this, 'Key', {
      alias: names.secretsKeyAlias.replace(/^alias\//, ''),
      description: `Secrets Manager secrets of sandbox cluster ${props.clusterName}`,
    });
    this.secretArnPattern = secretArnPattern(this, `${secretPathPrefix(props.clusterName)}*`);
    this.operatorRole = new ServiceAccountRole(this, 'OperatorRole', {
      oidcProvider: props.oidcProvider,
      namespace: props.operator.namespace,
      serviceAccount: props.operator.serviceAccount,
      roleName: names.secretOperatorRole,
      statements: readSecretsStatements(this.secretArnPattern, this.key.arn, regionOf(this)),
    });
  }
}

/** The provider's region, looked up once in `scope`. */
export function regionOf(scope: Construct): string {
  const found = scope.node.tryFindChild('SecretsRegion') as DataAwsRegion | undefined;
  return (found ?? new DataAwsRegion(scope, 'SecretsRegion')).region;
}

/** `arn:<partition>:secretsmanager:<region>:<account>:secret:<path>` for the caller's account and region. */
export function secretArnPattern(scope: Construct, path: string): string {
  const account = new DataAwsCallerIdentity(scope, 'SecretsAccount');
  const partition = new DataAwsPartition(scope, 'SecretsPartition');
  return `arn:${partition.partition}:secretsmanager:${regionOf(scope)}:${account.accountId}:secret:${path}`;
}

/**
 * Read-only access to the secrets matching `arnPattern`, and decryption with their key in `region`, only through
 * Secrets Manager and only for those secrets.
 */
export function readSecretsStatements(arnPattern: string, keyArn: string, region: string): IamStatement[] {
  return [
    {
      actions: [
        'secretsmanager:GetSecretValue',
        'secretsmanager:DescribeSecret',
        'secretsmanager:ListSecretVersionIds',
      ],
      resources: [arnPattern],
    },
    kmsUseStatement({
      keyArn,
      actions: ['kms:Decrypt'],
      service: 'secretsmanager',
      region,
      resources: [arnPattern],
    }),
  ];
}
