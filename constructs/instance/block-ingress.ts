import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { GATEWAY_API, INSTANCE_LISTENER } from './instance-listener';

export interface BlockIngressProps {
  readonly namespace: string;
  readonly instanceName: string;
  readonly blockName: string;
  /** The instance's base domain. */
  readonly domain: string;
  readonly service: string;
  readonly port: number;
  /** The block's release, whose Service the route points at, and the instance's listener. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** The hostname of a block: `<block>.<instance>.<domain>`. */
export function blockHostname(block: string, instance: string, domain: string): string {
  return `${block}.${instance}.${domain}`;
}

/** `<block>.<instance>.<domain>`: an HTTPRoute on the instance's own HTTPS listener. */
export class BlockIngress extends Construct {
  readonly host: string;
  readonly resource: Manifest;

  constructor(scope: Construct, id: string, props: BlockIngressProps) {
    super(scope, id);
    this.host = blockHostname(props.blockName, props.instanceName, props.domain);
    this.resource = new Manifest(this, 'Route', {
      manifest: {
        apiVersion: `${GATEWAY_API}/v1`,
        kind: 'HTTPRoute',
        metadata: {
          name: props.blockName,
          namespace: props.namespace,
          labels: { 'sandbox.dev/instance': props.instanceName, 'sandbox.dev/block': props.blockName },
        },
        spec: {
          parentRefs: [
            {
              group: GATEWAY_API,
              kind: 'ListenerSet',
              name: INSTANCE_LISTENER.name,
              sectionName: INSTANCE_LISTENER.section,
            },
          ],
          hostnames: [this.host],
          rules: [
            {
              matches: [{ path: { type: 'PathPrefix', value: '/' } }],
              backendRefs: [{ name: props.service, port: props.port }],
            },
          ],
        },
      },
      dependsOn: props.dependsOn,
    });
  }
}
