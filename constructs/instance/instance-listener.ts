import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS, type IngressFacts } from '../cluster';

export const GATEWAY_API = 'gateway.networking.k8s.io';
/** Name of the instance's ListenerSet and of its HTTPS listener's certificate Secret. */
export const INSTANCE_LISTENER = { name: 'sandbox', section: 'https', tlsSecret: 'sandbox-wildcard-tls' } as const;

export interface InstanceListenerProps {
  readonly instanceName: string;
  readonly namespace: string;
  readonly ingress: IngressFacts;
  /** The namespace, which must exist first. */
  readonly dependsOn: ITerraformDependable[];
  /**
   * How long the wildcard certificate is valid, in hours (cert-manager renews it before it ends). An instance's
   * certificate lasts no longer than the instance is meant to: once the instance is gone, a key its owner copied
   * cannot serve the names of the next instance of the same name for long. @default - cert-manager's default, 90 days
   */
  readonly validityHours?: number;
  /** The one name the listener serves, e.g. a shared block's. @default - `*.<instance>.<domain>` */
  readonly hostname?: string;
}

/** `*.<instance>.<domain>`: the only names an instance may serve. */
export function instanceWildcard(instance: string, domain: string): string {
  return `*.${instance}.${domain}`;
}

/**
 * The instance's own HTTPS listener on the platform's shared Gateway: a ListenerSet for
 * `*.<instance>.<domain>` that admits routes of this namespace only, and the wildcard
 * certificate it serves, issued by the platform's ClusterIssuer. The Gateway admits
 * ListenerSets from instance namespaces only; the host name bounds what routes can claim.
 */
export class InstanceListener extends Construct {
  readonly hostname: string;
  readonly listenerSet: Manifest;
  readonly certificate: Manifest;

  constructor(scope: Construct, id: string, props: InstanceListenerProps) {
    super(scope, id);
    this.hostname = props.hostname ?? instanceWildcard(props.instanceName, props.ingress.domain);
    this.certificate = new Manifest(this, 'Certificate', {
      manifest: {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: INSTANCE_LISTENER.tlsSecret, namespace: props.namespace },
        spec: {
          secretName: INSTANCE_LISTENER.tlsSecret,
          dnsNames: [this.hostname],
          privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
          // cert-manager refuses certificates shorter than an hour.
          ...(props.validityHours ? { duration: `${Math.max(1, props.validityHours)}h0m0s` } : {}),
          issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: PLATFORM_DEFAULTS.clusterIssuerName },
        },
      },
      dependsOn: props.dependsOn,
    });
    this.listenerSet = new Manifest(this, 'ListenerSet', {
      manifest: {
        apiVersion: `${GATEWAY_API}/v1`,
        kind: 'ListenerSet',
        metadata: { name: INSTANCE_LISTENER.name, namespace: props.namespace },
        spec: {
          parentRef: {
            group: GATEWAY_API,
            kind: 'Gateway',
            name: props.ingress.gateway.name,
            namespace: props.ingress.gateway.namespace,
          },
          listeners: [
            {
              name: INSTANCE_LISTENER.section,
              hostname: this.hostname,
              port: 443,
              protocol: 'HTTPS',
              tls: {
                mode: 'Terminate',
                certificateRefs: [{ group: '', kind: 'Secret', name: INSTANCE_LISTENER.tlsSecret }],
              },
              allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: GATEWAY_API, kind: 'HTTPRoute' }] },
            },
          ],
        },
      },
      dependsOn: props.dependsOn,
    });
  }
}
