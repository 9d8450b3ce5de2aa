import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
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
    const statements = [
      {
        sid: 'AccountAdministers',
        actions: ['kms:*'],
        resources: ['*'],
        principals: [{ type: 'AWS', identifiers: [`arn:${partition.partition}:iam::${account.accountId}:root`] }],
      },
    ];
    if (props.servicePrincipals?.length) {
      statements.push({
        sid: 'ServicesUseKey',
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        principals: [{ type: 'Service', identifiers: [...props.servicePrincipals] }],
      });
    }
    const policy = new DataAwsIamPolicyDocument(this, 'Policy', { statement: statements });
    this.key = new KmsKey(this, 'Key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindowDays,
      policy: policy.json,
    });
    new KmsAlias(this, 'Alias', { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}
