import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { NEVER_EGRESS } from './network-policies';

/** The one Service an exposed instance may make a LoadBalancer; the tenant policies allow no other. */
export const POOL_SERVICE_NAME = 'sandbox-pool-member';
/** Namespace label with the granted TCP port, and annotation with the member's hostname; only Terraform sets them. */
export const POOL_GRANT = {
  portLabel: 'sandbox.dev/expose-tcp-port',
  hostnameAnnotation: 'sandbox.dev/pool-hostname',
} as const;
/** ConfigMap in each member's namespace with the group's join list. */
export const POOL_CONFIGMAP = 'sandbox-pool';

/** A member's place in an instance group, computed from the config alone. */
export interface PoolMembership {
  readonly group: string;
  /** `<member>.<group>.<domain>`: this member's public name. */
  readonly hostname: string;
  /** Every member's `host:port`, this one included, in the group's order. */
  readonly join: readonly string[];
  /** TCP port the members reach each other on. */
  readonly port: number;
  /** Labels of the pods that serve the port. */
  readonly selector: Readonly<Record<string, string>>;
  /** Brought Secret with the group's CA (`tls.crt`, `tls.key`). */
  readonly caSecret: string;
}

export interface PoolMemberProps extends PoolMembership {
  readonly namespace: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One member of an instance group across clusters: a LoadBalancer Service on
 * the granted port under the member's DNS name (published by external-dns),
 * a NetworkPolicy for that port in and out, a CA Issuer from the group's
 * shared CA with the member's certificate, and the group's join list.
 */
export class PoolMember extends Construct {
  readonly service: ServiceV1;
  readonly joinList: ConfigMapV1;

  constructor(scope: Construct, id: string, props: PoolMemberProps) {
    super(scope, id);
    const port = String(props.port);
    this.service = new ServiceV1(this, 'Service', {
      metadata: {
        name: POOL_SERVICE_NAME,
        namespace: props.namespace,
        annotations: { 'external-dns.alpha.kubernetes.io/hostname': props.hostname },
      },
      spec: {
        type: 'LoadBalancer',
        selector: { ...props.selector },
        port: [{ name: 'pool', port: props.port, targetPort: port, protocol: 'TCP' }],
      },
      dependsOn: props.dependsOn,
    });
    new NetworkPolicyV1(this, 'Policy', {
      metadata: { name: 'allow-pool-tcp', namespace: props.namespace },
      spec: {
        podSelector: { matchLabels: { ...props.selector } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port, protocol: 'TCP' }] }],
        // Other members are reached at their load balancers' public addresses.
        egress: [
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...NEVER_EGRESS] } }], ports: [{ port, protocol: 'TCP' }] },
        ],
      },
      dependsOn: props.dependsOn,
    });
    const issuer = new Manifest(this, 'Issuer', {
      manifest: {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Issuer',
        metadata: { name: 'pool-ca', namespace: props.namespace },
        spec: { ca: { secretName: props.caSecret } },
      },
      dependsOn: props.dependsOn,
    });
    new Manifest(this, 'Certificate', {
      manifest: {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'pool-member', namespace: props.namespace },
        spec: {
          secretName: 'pool-member-tls',
          commonName: props.hostname,
          dnsNames: [props.hostname, `${POOL_SERVICE_NAME}.${props.namespace}.svc.cluster.local`],
          usages: ['server auth', 'client auth'],
          issuerRef: { kind: 'Issuer', name: 'pool-ca', group: 'cert-manager.io' },
        },
      },
      dependsOn: [issuer],
    });
    this.joinList = new ConfigMapV1(this, 'JoinList', {
      metadata: { name: POOL_CONFIGMAP, namespace: props.namespace },
      data: { group: props.group, self: `${props.hostname}:${port}`, join: props.join.join(',') },
      dependsOn: props.dependsOn,
    });
  }
}
