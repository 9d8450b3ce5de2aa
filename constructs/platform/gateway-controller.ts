import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS } from '../cluster';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PlatformNamespace } from './platform-namespace';

export const ENVOY_GATEWAY_CHART = {
  repository: 'oci://docker.io/envoyproxy',
  name: 'gateway-helm',
  version: 'v1.9.0',
} as const;

export interface GatewayControllerProps {
  /** @default - images from their own registries */
  readonly registryMirror?: string;
}

/**
 * Envoy Gateway, the Gateway API implementation every cloud shares, with the Gateway API CRDs
 * (experimental channel, for ListenerSet). Its proxies run in the same namespace.
 */
export class GatewayController extends Construct {
  readonly release: SandboxHelmRelease;
  readonly namespace: PlatformNamespace;

  constructor(scope: Construct, id: string, props: GatewayControllerProps = {}) {
    super(scope, id);
    // The proxies are created by the controller, not rendered by the chart, so their pod
    // settings cannot be checked against the restricted profile here: baseline is enforced.
    this.namespace = new PlatformNamespace(this, 'Namespace', {
      name: PLATFORM_DEFAULTS.gatewayNamespace,
      podSecurity: 'baseline',
    });
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: 'envoy-gateway',
      namespace: PLATFORM_DEFAULTS.gatewayNamespace,
      chart: ChartSource.oci(ENVOY_GATEWAY_CHART.repository, ENVOY_GATEWAY_CHART.name),
      version: ENVOY_GATEWAY_CHART.version,
      values: {
        ...(props.registryMirror ? { global: { imageRegistry: props.registryMirror } } : {}),
        deployment: {
          envoyGateway: {
            resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
          },
        },
      },
      dependsOn: [this.namespace.namespace],
    });
  }
}
