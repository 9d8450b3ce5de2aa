import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS, type SecretOperatorIdentity } from '../cluster';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PLATFORM_NAMESPACE_LABEL } from './platform-namespace';

export const PLATFORM_RESOURCES_CHART_VERSION = '0.3.0';

export interface PlatformResourcesProps {
  readonly clusterName: string;
  readonly domain: string;
  /** Service annotations of the gateway's load balancer. @default {} */
  readonly serviceAnnotations?: Readonly<Record<string, string>>;
  /** cert-manager's cluster resource namespace, where the ClusterIssuer reads the sandbox CA's key pair. */
  readonly clusterResourceNamespace: string;
  /** The platform ClusterSecretStore's provider, on clusters with a cloud secret manager. @default - none */
  readonly secretStore?: SecretOperatorIdentity;
  /** The operator releases whose CRDs these objects use. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * The GatewayClass and shared Gateway, the ClusterIssuer (the sandbox CA) and the platform
 * secret store, as one chart installed after the operators that bring their CRDs: a Terraform
 * plan of the platform never needs those CRDs to exist yet.
 */
export class PlatformResources extends Construct {
  readonly release: SandboxHelmRelease;

  constructor(scope: Construct, id: string, props: PlatformResourcesProps) {
    super(scope, id);
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: 'platform-resources',
      namespace: PLATFORM_DEFAULTS.gatewayNamespace,
      chart: ChartSource.packaged('platform-resources'),
      version: PLATFORM_RESOURCES_CHART_VERSION,
      values: {
        domain: props.domain,
        clusterName: props.clusterName,
        gateway: {
          className: PLATFORM_DEFAULTS.gatewayClassName,
          name: PLATFORM_DEFAULTS.gatewayName,
          serviceAnnotations: { ...props.serviceAnnotations },
        },
        issuer: {
          name: PLATFORM_DEFAULTS.clusterIssuerName,
          clusterResourceNamespace: props.clusterResourceNamespace,
        },
        secretStore: props.secretStore
          ? {
              enabled: true,
              name: PLATFORM_DEFAULTS.clusterSecretStoreName,
              provider: props.secretStore.clusterStoreProvider,
              namespaceLabel: PLATFORM_NAMESPACE_LABEL,
            }
          : { enabled: false },
      },
      dependsOn: props.dependsOn,
    });
  }
}
