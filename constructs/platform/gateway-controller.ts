import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS } from '../cluster';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PlatformNamespace } from './platform-namespace';

/** The Envoy data-plane image the proxies of the platform's Gateway run. */
export const ENVOY_PROXY_IMAGE = 'docker.io/envoyproxy/envoy:distroless-v1.39.0';

export const ENVOY_GATEWAY_CHART = {
  repository: 'oci://docker.io/envoyproxy',
  name: 'gateway-helm',
  version: 'v1.9.0',
} as const;

/**
 * Helm keeps the objects of a chart's install hooks after an uninstall; this policy has Helm delete them once every
 * hook of the install has succeeded, so that a platform destroy leaves none behind.
 */
export const HOOK_CLEANUP = { 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' } as const;

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
        // The data plane's image is pinned here, not left to the controller's built-in default, so that it is listed in
        // the bill of materials and follows `global.imageRegistry` to the registry mirror like the controller's own.
        global: {
          ...(props.registryMirror ? { imageRegistry: props.registryMirror } : {}),
          images: { envoyProxy: { image: ENVOY_PROXY_IMAGE } },
        },
        deployment: {
          envoyGateway: {
            resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
          },
        },
        // The certificate generator runs once per install and upgrade: its Job and RBAC go when it is done.
        certgen: { job: { annotations: HOOK_CLEANUP }, rbac: { annotations: HOOK_CLEANUP } },
        // The topology injector (a MutatingWebhookConfiguration installed as a hook, so never removed) serves
        // zone-aware routing, which the platform does not configure.
        topologyInjector: { enabled: false },
      },
      dependsOn: [this.namespace.namespace],
    });
  }
}
