import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS, type SecretOperatorIdentity } from '../cluster';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PLATFORM_NAMESPACE_LABEL } from './platform-namespace';

export const PLATFORM_RESOURCES_CHART_VERSION = '0.1.0';

export interface PlatformResourcesProps {
  readonly clusterName: string;
  readonly domain: string;
  /** Service annotations of the gateway's load balancer. @default {} */
  readonly serviceAnnotations?: Readonly<Record<string, string>>;
  /** @default - the self-signed sandbox CA, constrained to the domain */
  readonly acme?: { readonly email: string; readonly server?: string };
  /** The platform ClusterSecretStore's provider, on clusters with a cloud secret manager. @default - none */
  readonly secretStore?: SecretOperatorIdentity;
  /** The operator releases whose CRDs these objects use. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * The GatewayClass and shared Gateway, the ClusterIssuer (sandbox CA or ACME) and the platform
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
          acme: props.acme
            ? { email: props.acme.email, ...(props.acme.server ? { server: props.acme.server } : {}) }
            : { email: '' },
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
