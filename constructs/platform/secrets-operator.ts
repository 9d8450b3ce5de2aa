import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS, type SecretOperatorIdentity } from '../cluster';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PLATFORM_NAMESPACE_LABEL, PlatformNamespace } from './platform-namespace';

export const EXTERNAL_SECRETS_CHART = { repository: 'https://charts.external-secrets.io', name: 'external-secrets', version: '0.17.0' } as const;

export interface SecretsOperatorProps {
  readonly identity: SecretOperatorIdentity;
  /** @default {} */
  readonly values?: Readonly<Record<string, unknown>>;
}

/**
 * external-secrets with the cloud identity of its service account (no static
 * keys), and a ClusterSecretStore that only platform namespaces may use:
 * instances get namespaced stores scoped to their own secrets instead.
 */
export class SecretsOperator extends Construct {
  readonly release: SandboxHelmRelease;

  constructor(scope: Construct, id: string, props: SecretsOperatorProps) {
    super(scope, id);
    const ns = new PlatformNamespace(this, 'Namespace', { name: PLATFORM_DEFAULTS.externalSecretsNamespace });
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: 'external-secrets',
      namespace: PLATFORM_DEFAULTS.externalSecretsNamespace,
      chart: ChartSource.repository(EXTERNAL_SECRETS_CHART.repository, EXTERNAL_SECRETS_CHART.name),
      version: EXTERNAL_SECRETS_CHART.version,
      values: {
        installCRDs: true,
        serviceAccount: { create: true, name: 'external-secrets', annotations: { ...props.identity.serviceAccountAnnotations } },
        podLabels: { ...props.identity.podLabels },
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        ...props.values,
      },
      dependsOn: [ns.namespace],
    });
    new Manifest(this, 'ClusterSecretStore', {
      manifest: {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ClusterSecretStore',
        metadata: { name: PLATFORM_DEFAULTS.clusterSecretStoreName },
        spec: {
          provider: props.identity.clusterStoreProvider,
          conditions: [{ namespaceSelector: { matchLabels: { [PLATFORM_NAMESPACE_LABEL]: 'true' } } }],
        },
      },
      dependsOn: [this.release.release],
    });
  }
}
