import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Password } from '@cdktf/provider-random/lib/password';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { InstanceSecretBackend } from '../cluster';
import { escapeTerraform } from '../helm-release';

export interface CredentialSet {
  /** Kubernetes Secret name, e.g. `postgresql-credentials`. */
  readonly name: string;
  /** Keys to generate, e.g. `postgres-password`. */
  readonly keys: readonly string[];
  /**
   * Further keys built from text in which `{<key>}` stands for a generated value of this set,
   * e.g. a user name, a connection URI or a configuration file that embeds a password. @default {}
   */
  readonly derived?: Readonly<Record<string, string>>;
}

/** Replaces `{key}` with the generated value of that key; other braces stay as they are, and literal `${` is escaped for Terraform. */
function embed(text: string, generated: Readonly<Record<string, string>>): string {
  return escapeTerraform(text).replace(/\{([a-z0-9-]+)\}/g, (m, key: string) => generated[key] ?? m);
}

export interface InstanceSecretsProps {
  readonly instanceName: string;
  readonly namespace: string;
  readonly backend: InstanceSecretBackend;
  readonly credentials: readonly CredentialSet[];
  /** Objects that must exist first, such as the namespace. */
  readonly dependsOn: ITerraformDependable[];
  /** RFC 3339 expiry of the instance. @default - never (a protected instance) */
  readonly expiresAt?: string;
  /** Existing entries of the cluster's secret manager, each copied into a Secret `name`. @default [] */
  readonly brought?: readonly { readonly name: string; readonly key: string }[];
}

/** Service account the namespaced SecretStore authenticates as. */
export const SECRET_STORE_ACCOUNT = 'sandbox-secrets';
const ESO_API = 'external-secrets.io/v1';

/**
 * Credentials generated per instance (random, kept in Terraform state and the
 * cloud secret manager, never in the synthesized JSON), and a namespaced
 * SecretStore whose cloud identity reads only this instance's secrets. Each
 * set becomes a Kubernetes Secret through an ExternalSecret.
 */
export class InstanceSecrets extends Construct {
  /** What releases must wait for: the Secrets exist once these exist. */
  readonly ready: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: InstanceSecretsProps) {
    super(scope, id);
    const brought = props.brought ?? [];
    if (props.credentials.length === 0 && brought.length === 0) return;
    const secrets = props.credentials.map((set) => {
      const generated = Object.fromEntries(
        set.keys.map((key) => [
          key,
          new Password(this, `${set.name}-${key}`, {
            length: 32,
            special: false,
            minNumeric: 4,
            minUpper: 4,
            minLower: 4,
          }).result,
        ]),
      );
      const derived = Object.fromEntries(
        Object.entries(set.derived ?? {}).map(([key, text]) => [key, embed(text, generated)]),
      );
      return { name: set.name, data: { ...generated, ...derived } };
    });
    const binding = props.backend.bind(this, {
      instanceName: props.instanceName,
      namespace: props.namespace,
      serviceAccountName: SECRET_STORE_ACCOUNT,
      secrets,
      dependsOn: props.dependsOn,
      expiresAt: props.expiresAt,
      broughtKeys: brought.map((b) => b.key),
    });
    if (binding.kind === 'kubernetes' && brought.length) {
      throw new Error(
        `InstanceSecrets "${id}": the cluster has no secret manager to bring ${brought.map((b) => `"${b.key}"`).join(', ')} from`,
      );
    }
    if (binding.kind === 'kubernetes') {
      this.ready.push(...binding.secrets);
      return;
    }
    const account = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: {
        name: SECRET_STORE_ACCOUNT,
        namespace: props.namespace,
        annotations: { ...binding.serviceAccountAnnotations },
      },
      automountServiceAccountToken: false,
      dependsOn: props.dependsOn,
    });
    const store = new Manifest(this, 'SecretStore', {
      manifest: {
        apiVersion: ESO_API,
        kind: 'SecretStore',
        metadata: { name: SECRET_STORE_ACCOUNT, namespace: props.namespace },
        spec: { provider: binding.provider },
      },
      dependsOn: [account],
    });
    const remote = [...secrets.map((s) => ({ name: s.name, key: binding.remoteKeys[s.name] })), ...brought];
    for (const secret of remote) {
      this.ready.push(
        new Manifest(this, `ExternalSecret-${secret.name}`, {
          manifest: {
            apiVersion: ESO_API,
            kind: 'ExternalSecret',
            metadata: { name: secret.name, namespace: props.namespace },
            spec: {
              refreshInterval: '1h',
              secretStoreRef: { kind: 'SecretStore', name: SECRET_STORE_ACCOUNT },
              target: { name: secret.name, creationPolicy: 'Owner', deletionPolicy: 'Delete' },
              dataFrom: [{ extract: { key: secret.key } }],
            },
          },
          waitFor: { fields: { 'status.conditions[0].status': 'True' } },
          dependsOn: [store],
        }),
      );
    }
  }
}
