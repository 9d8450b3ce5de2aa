import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

export interface SandboxKmsKeyProps {
  /** Alias without the `alias/` prefix. */
  readonly alias: string;
  readonly description: string;
  /** AWS service principals (e.g. `logs.eu-west-1.amazonaws.com`) that may use the key. @default [] */
  readonly servicePrincipals?: readonly string[];
  /** @default 30 */
  readonly deletionWindowDays?: number;
}

/** A customer-managed key with rotation on and a key policy that names its users. */
export class SandboxKmsKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: SandboxKmsKeyProps) {
    super(scope, id);
    const deletionWindowDays = props.deletionWindowDays ?? 30;
    if (deletionWindowDays < 7 || deletionWindowDays > 30) {
      throw new Error(`SandboxKmsKey "${id}": deletionWindowDays must be between 7 and 30, got ${deletionWindowDays}`);
    }
    const account = new DataAwsCallerIdentity(this, 'Account');
    const partition = new DataAwsPartition(this, 'Partition');
    // A key policy, not an identity policy: its "*" resource means this key only.
    const statements: object[] = [
      {
        Sid: 'AccountAdministers',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition.partition}:iam::${account.accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ];
    if (props.servicePrincipals?.length) {
      statements.push({
        Sid: 'ServicesUseKey',
        Effect: 'Allow',
        Principal: { Service: [...props.servicePrincipals] },
        Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        Resource: '*',
      });
    }
    this.key = new KmsKey(this, 'Key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindowDays,
      policy: Fn.jsonencode({ Version: '2012-10-17', Statement: statements }),
    });
    new KmsAlias(this, 'Alias', { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}
