import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import {
  SHARED_CREDENTIALS_READER,
  sharedCredentialsAccount,
  sharedCredentialsSecret,
  sharedNamespace,
} from './shared-names';

const ESO_API = 'external-secrets.io/v1';

export interface SharedCredentialsProps {
  /** The instance's namespace, where the copies go. */
  readonly namespace: string;
  /** Shared blocks the instance uses that share a Secret, each with that Secret's name in its own namespace. */
  readonly blocks: readonly { readonly name: string; readonly secret: string }[];
  /** Objects that must exist first, such as the namespace. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A copy of each used shared block's shared Secret (its generated credentials, or its entry's `sharedSecret`) in the
 * instance's namespace, as `shared-<block>-credentials`. Per block: a service account of this
 * namespace, bound in `shared-<block>` to the block's Role that may `get` its
 * one shared Secret; a SecretStore of external-secrets' Kubernetes
 * provider that authenticates as that account; and an ExternalSecret that
 * copies the Secret. The value never passes through Terraform: this stack
 * knows the Secret by name only and reads nothing of the shared stack.
 */
export class SharedCredentials extends Construct {
  /** What releases must wait for: the copies exist once these are ready. */
  readonly ready: ITerraformDependable[] = [];
  /** Secret in the instance's namespace, by shared block. */
  readonly secrets = new Map<string, string>();

  constructor(scope: Construct, id: string, props: SharedCredentialsProps) {
    super(scope, id);
    for (const { name: block, secret: source } of props.blocks) {
      const account = sharedCredentialsAccount(block);
      const secret = sharedCredentialsSecret(block);
      const serviceAccount = new ServiceAccountV1(this, `Account-${block}`, {
        metadata: { name: account, namespace: props.namespace },
        // Only the secret operator's token requests act as this account.
        automountServiceAccountToken: false,
        dependsOn: props.dependsOn,
      });
      const binding = new RoleBindingV1(this, `Binding-${block}`, {
        metadata: { name: `uses-${props.namespace}`, namespace: sharedNamespace(block) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: SHARED_CREDENTIALS_READER },
        subject: [{ kind: 'ServiceAccount', name: account, namespace: props.namespace }],
        dependsOn: [serviceAccount],
      });
      const store = new Manifest(this, `Store-${block}`, {
        manifest: {
          apiVersion: ESO_API,
          kind: 'SecretStore',
          metadata: { name: account, namespace: props.namespace },
          spec: {
            provider: {
              kubernetes: {
                remoteNamespace: sharedNamespace(block),
                // The API server's CA, which Kubernetes publishes in every namespace.
                server: { caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt' } },
                auth: { serviceAccount: { name: account } },
              },
            },
          },
        },
        dependsOn: [binding],
      });
      this.ready.push(
        new Manifest(this, `ExternalSecret-${block}`, {
          manifest: {
            apiVersion: ESO_API,
            kind: 'ExternalSecret',
            metadata: { name: secret, namespace: props.namespace },
            spec: {
              refreshInterval: '1h',
              secretStoreRef: { kind: 'SecretStore', name: account },
              target: { name: secret, creationPolicy: 'Owner', deletionPolicy: 'Delete' },
              dataFrom: [{ extract: { key: source } }],
            },
          },
          waitFor: { fields: { 'status.conditions[0].status': 'True' } },
          dependsOn: [store],
        }),
      );
      this.secrets.set(block, secret);
    }
  }
}
