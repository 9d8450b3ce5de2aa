import { IngressV1 } from '@cdktf/provider-kubernetes/lib/ingress-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS, type IngressFacts } from '../cluster';

export interface BlockIngressProps {
  readonly namespace: string;
  readonly instanceName: string;
  readonly blockName: string;
  readonly service: string;
  readonly port: number;
  readonly ingress: IngressFacts;
  /** The block's release, whose service the ingress points at. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** The hostname of a block: `<block>.<instance>.<domain>`. */
export function blockHostname(block: string, instance: string, domain: string): string {
  return `${block}.${instance}.${domain}`;
}

/** `<block>.<instance>.<domain>`, over TLS with a certificate from the platform's issuer. */
export class BlockIngress extends Construct {
  readonly host: string;
  readonly resource: IngressV1;

  constructor(scope: Construct, id: string, props: BlockIngressProps) {
    super(scope, id);
    this.host = blockHostname(props.blockName, props.instanceName, props.ingress.domain);
    this.resource = new IngressV1(this, 'Ingress', {
      metadata: {
        name: props.blockName,
        namespace: props.namespace,
        annotations: { 'cert-manager.io/cluster-issuer': PLATFORM_DEFAULTS.clusterIssuerName },
        labels: { 'sandbox.dev/instance': props.instanceName, 'sandbox.dev/block': props.blockName },
      },
      spec: {
        ingressClassName: props.ingress.className,
        tls: [{ hosts: [this.host], secretName: `${props.blockName}-tls` }],
        rule: [
          {
            host: this.host,
            http: { path: [{ path: '/', pathType: 'Prefix', backend: { service: { name: props.service, port: { number: props.port } } } }] },
          },
        ],
      },
      waitForLoadBalancer: false,
      dependsOn: props.dependsOn,
    });
  }
}
