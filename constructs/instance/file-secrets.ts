import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Fn, TerraformVariable, Token, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** A Secret whose value the deployer supplies from a file at apply time. */
export interface FileSecret {
  /** Name of the Kubernetes Secret. */
  readonly name: string;
  /** Key of the value inside the Secret (a text file). @default 'value' */
  readonly key?: string;
  /**
   * `text`: the file's content is the value of `key`; `json`: the file holds a JSON object of strings, each field a
   * key of the Secret (a CA's `tls.crt` and `tls.key`, as a JSON entry of a secret manager gives them). @default 'text'
   */
  readonly format?: 'text' | 'json';
}

/**
 * The Terraform variable that carries the file's content: the command line
 * passes it with `-var-file` from a private temporary file, so the value is in
 * Terraform state but never in the synthesized JSON.
 */
export const fileSecretVariable = (secret: string) => `secret_file_${secret.replace(/-/g, '_')}`;

export interface FileSecretsProps {
  readonly namespace: string;
  readonly secrets: readonly FileSecret[];
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** One sensitive variable and one Secret per file the instance brings. */
export class FileSecrets extends Construct {
  readonly ready: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: FileSecretsProps) {
    super(scope, id);
    for (const secret of props.secrets) {
      const variable = new TerraformVariable(this, `Var-${secret.name}`, {
        type: 'string',
        sensitive: true,
        nullable: false,
        description: `Content of the file brought as Secret "${secret.name}"; sandboxkit passes it with -var-file`,
      });
      variable.overrideLogicalId(fileSecretVariable(secret.name));
      this.ready.push(
        new SecretV1(this, `Secret-${secret.name}`, {
          metadata: { name: secret.name, namespace: props.namespace, labels: { 'sandbox.dev/brought': 'file' } },
          data:
            secret.format === 'json'
              ? Token.asStringMap(Fn.jsondecode(variable.stringValue))
              : { [secret.key ?? 'value']: variable.stringValue },
          type: 'Opaque',
          dependsOn: props.dependsOn,
        }),
      );
    }
  }
}
