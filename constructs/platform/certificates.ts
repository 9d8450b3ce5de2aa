import { Construct } from 'constructs';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PlatformNamespace } from './platform-namespace';

export const CERT_MANAGER_CHART = {
  repository: 'https://charts.jetstack.io',
  name: 'cert-manager',
  version: 'v1.21.1',
} as const;
const NAMESPACE = 'cert-manager';

export interface CertificatesProps {
  /** @default - images from their own registries */
  readonly registryMirror?: string;
}

/** cert-manager with its CRDs and Gateway API support; the issuers come with the platform config. */
export class Certificates extends Construct {
  readonly release: SandboxHelmRelease;

  constructor(scope: Construct, id: string, props: CertificatesProps = {}) {
    super(scope, id);
    const ns = new PlatformNamespace(this, 'Namespace', { name: NAMESPACE });
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: 'cert-manager',
      namespace: NAMESPACE,
      chart: ChartSource.repository(CERT_MANAGER_CHART.repository, CERT_MANAGER_CHART.name),
      version: CERT_MANAGER_CHART.version,
      values: {
        crds: { enabled: true },
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
