import { Construct } from 'constructs';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PlatformNamespace } from './platform-namespace';

export const CERT_MANAGER_CHART = {
  repository: 'https://charts.jetstack.io',
  name: 'cert-manager',
  version: 'v1.21.1',
} as const;
/** cert-manager's namespace, which is also its cluster resource namespace: where ClusterIssuers read their Secrets. */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';

export interface CertificatesProps {
  /** @default - images from their own registries */
  readonly registryMirror?: string;
}

/** cert-manager with its CRDs and Gateway API support; the issuers come with the platform config. */
export class Certificates extends Construct {
  readonly release: SandboxHelmRelease;
  /** Namespace whose Secrets ClusterIssuers read (the CA's key pair, ACME account keys). */
  readonly clusterResourceNamespace = CERT_MANAGER_NAMESPACE;

  constructor(scope: Construct, id: string, props: CertificatesProps = {}) {
    super(scope, id);
    const ns = new PlatformNamespace(this, 'Namespace', { name: CERT_MANAGER_NAMESPACE });
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: 'cert-manager',
      namespace: CERT_MANAGER_NAMESPACE,
      chart: ChartSource.repository(CERT_MANAGER_CHART.repository, CERT_MANAGER_CHART.name),
      version: CERT_MANAGER_CHART.version,
      values: {
        crds: { enabled: true },
        // Stated, not left to the chart's default (the release namespace): the platform's CA lives there.
        clusterResourceNamespace: CERT_MANAGER_NAMESPACE,
        // Certificates for Gateway listeners, and the name-constrained sandbox CA.
        config: {
          apiVersion: 'controller.config.cert-manager.io/v1alpha1',
          kind: 'ControllerConfiguration',
          gatewayAPI: { enabled: true },
        },
        ...(props.registryMirror ? { imageRegistry: props.registryMirror } : {}),
      },
      dependsOn: [ns.namespace],
    });
  }
}
