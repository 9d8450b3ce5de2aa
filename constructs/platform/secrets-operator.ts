import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS, type SecretOperatorIdentity } from '../cluster';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PlatformNamespace } from './platform-namespace';

export const EXTERNAL_SECRETS_CHART = {
  repository: 'https://charts.external-secrets.io',
  name: 'external-secrets',
  version: '2.9.0',
} as const;

export interface SecretsOperatorProps {
  /**
   * The cloud identity of the operator's service account. Without one, the operator still copies Secrets
   * between namespaces with its Kubernetes provider (shared-block credentials). @default - no cloud identity
   */
  readonly identity?: SecretOperatorIdentity;
  /** @default {} */
  readonly values?: Readonly<Record<string, unknown>>;
}

/**
 * external-secrets, with the cloud identity of its service account where the cloud has a secret
 * manager (no static keys). Its ClusterSecretStore, for platform namespaces only, comes with the
 * platform config; instances get namespaced stores scoped to their own secrets, and copy shared
 * blocks' credentials through its Kubernetes provider on every cluster.
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
        serviceAccount: {
          create: true,
          name: props.identity?.serviceAccountName ?? 'external-secrets',
          annotations: { ...props.identity?.serviceAccountAnnotations },
        },
        podLabels: { ...props.identity?.podLabels },
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        ...props.values,
      },
      dependsOn: [ns.namespace],
    });
  }
}
