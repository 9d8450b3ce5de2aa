import type { IamStatement } from './service-account-role';

/** The AWS services through which sandbox roles use a customer key. */
export type KmsService = 'secretsmanager' | 's3' | 'sqs' | 'dynamodb';

/**
 * The encryption context each service sends with the resource it protects, and how a policy matches it: Secrets
 * Manager names the secret (its ARN ends in six random characters), S3 the bucket (with a bucket key) or the object,
 * SQS the queue, DynamoDB the table.
 */
const ENCRYPTION_CONTEXT: Readonly<Record<KmsService, { readonly key: string; readonly test: string }>> = {
  secretsmanager: { key: 'SecretARN', test: 'StringLike' },
  s3: { key: 'aws:s3:arn', test: 'StringLike' },
  sqs: { key: 'aws:sqs:arn', test: 'StringEquals' },
  dynamodb: { key: 'aws:dynamodb:tableName', test: 'StringEquals' },
};

export interface KmsUse {
  readonly keyArn: string;
  readonly actions: readonly ('kms:Decrypt' | 'kms:GenerateDataKey')[];
  /** The only service the key may be used through. */
  readonly service: KmsService;
  readonly region: string;
  /** The service's resources the key may be used for (encryption context values; patterns where the service's match allows). */
  readonly resources: readonly string[];
}

/**
 * Use of a KMS key through one service, for the named resources only (`kms:ViaService` and the service's encryption
 * context): the role cannot decrypt with the key directly, nor through the service for anything but its own resources.
 */
export function kmsUseStatement(use: KmsUse): IamStatement {
  const context = ENCRYPTION_CONTEXT[use.service];
  return {
    actions: [...use.actions],
    resources: [use.keyArn],
    conditions: [
      { test: 'StringEquals', variable: 'kms:ViaService', values: [`${use.service}.${use.region}.amazonaws.com`] },
      { test: context.test, variable: `kms:EncryptionContext:${context.key}`, values: [...use.resources] },
    ],
  };
}
