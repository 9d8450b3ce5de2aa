import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS } from '../cluster';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PlatformNamespace } from './platform-namespace';

export const INGRESS_NGINX_CHART = { repository: 'https://kubernetes.github.io/ingress-nginx', name: 'ingress-nginx', version: '4.12.1' } as const;

export interface IngressControllerProps {
  /** Service annotations that keep the load balancer private. */
  readonly internalLoadBalancerAnnotations: Readonly<Record<string, string>>;
  /** Put the load balancer on the internet. @default false */
  readonly public?: boolean;
  /** @default - images from their own registries */
  readonly registryMirror?: string;
}

/** ingress-nginx as the default IngressClass, behind a private load balancer unless asked otherwise. */
export class IngressController extends Construct {
  readonly release: SandboxHelmRelease;

  constructor(scope: Construct, id: string, props: IngressControllerProps) {
    super(scope, id);
    // The controller binds 80/443 with NET_BIND_SERVICE, which the restricted profile does not allow.
    const ns = new PlatformNamespace(this, 'Namespace', { name: PLATFORM_DEFAULTS.ingressNamespace, podSecurity: 'baseline' });
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: 'ingress-nginx',
      namespace: PLATFORM_DEFAULTS.ingressNamespace,
      chart: ChartSource.repository(INGRESS_NGINX_CHART.repository, INGRESS_NGINX_CHART.name),
      version: INGRESS_NGINX_CHART.version,
      values: {
        ...(props.registryMirror ? { global: { image: { registry: props.registryMirror } } } : {}),
        controller: {
          replicaCount: 2,
          ingressClassResource: { name: PLATFORM_DEFAULTS.ingressClassName, default: true },
          allowSnippetAnnotations: false,
          config: { 'allow-snippet-annotations': 'false', 'ssl-redirect': 'true', 'hide-headers': 'Server,X-Powered-By' },
          service: { annotations: props.public ? {} : { ...props.internalLoadBalancerAnnotations } },
          metrics: { enabled: true },
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
        },
      },
      dependsOn: [ns.namespace],
    });
  }
}
