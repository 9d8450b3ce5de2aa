import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import {
  secretPathPrefix,
  type InstanceSecretBackend,
  type InstanceSecretBinding,
  type InstanceSecretRequest,
} from '../cluster';
import { awsInstanceNames, awsNames } from './naming';
import { readSecretsStatements, secretArnPattern } from './secret-store';
import { ServiceAccountRole } from './service-account-role';

export interface AwsInstanceSecretsProps {
  readonly clusterName: string;
  readonly region: string;
  /** The cluster's OIDC issuer URL; its IAM provider is looked up by it. */
  readonly oidcIssuerUrl: string;
}

/**
 * Secrets Manager secrets under `sandbox/<cluster>/<instance>/`, and an IRSA
 * role that only the instance's own service account can assume and that reads
 * only that path.
 */
export class AwsInstanceSecrets implements InstanceSecretBackend {
  constructor(private readonly props: AwsInstanceSecretsProps) {}

  bind(scope: Construct, request: InstanceSecretRequest): InstanceSecretBinding {
    const c = new Construct(scope, 'AwsSecrets');
    const names = awsNames(this.props.clusterName);
    const key = new DataAwsKmsAlias(c, 'Key', { name: names.secretsKeyAlias });
    const oidc = new DataAwsIamOpenidConnectProvider(c, 'Oidc', { url: this.props.oidcIssuerUrl });
    const path = `${secretPathPrefix(this.props.clusterName)}${request.instanceName}/`;

    const remoteKeys: Record<string, string> = {};
    for (const secret of request.secrets) {
      const stored = new SecretsmanagerSecret(c, `Secret-${secret.name}`, {
        name: `${path}${secret.name}`,
        kmsKeyId: key.targetKeyArn,
        // Deleted at once on destroy, so that an instance of the same name can come back.
        recoveryWindowInDays: 0,
      });
      new SecretsmanagerSecretVersion(c, `Value-${secret.name}`, {
        secretId: stored.id,
        secretString: Fn.jsonencode(secret.data),
      });
      remoteKeys[secret.name] = `${path}${secret.name}`;
    }
    const own = secretArnPattern(c, `${path}*`);
    const role = new ServiceAccountRole(c, 'Role', {
      oidcProvider: { arn: oidc.arn, issuerUrl: this.props.oidcIssuerUrl },
      namespace: request.namespace,
      serviceAccount: request.serviceAccountName,
      roleName: awsInstanceNames(this.props.clusterName, request.instanceName).secretsRole,
      statements: [
        ...readSecretsStatements(own, key.targetKeyArn, this.props.region),
        // Secrets Manager appends six random characters to the name in the ARN.
        ...(request.broughtKeys?.length
          ? [
              {
                actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
                resources: request.broughtKeys.map((k) => own.slice(0, -`${path}*`.length) + `${k}-??????`),
              },
            ]
          : []),
      ],
    });
    return {
      kind: 'external-secrets',
      provider: {
        aws: {
          service: 'SecretsManager',
          region: this.props.region,
          auth: { jwt: { serviceAccountRef: { name: request.serviceAccountName } } },
        },
      },
      serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': role.arn },
      remoteKeys,
    };
  }
}
