import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { NEVER_EGRESS } from './network-policies';

/** The Service of a one-node member, the only kind an exposed instance may make a LoadBalancer besides `-<i>`. */
export const POOL_SERVICE_NAME = 'sandbox-pool-member';
/**
 * What Terraform writes on a member's namespace, and only Terraform can: the granted port and node count (labels),
 * and each node's name and static address, comma-separated in node order (annotations). The tenant policies admit
 * exactly the Services these describe.
 */
export const POOL_GRANT = {
  portLabel: 'sandbox.dev/expose-tcp-port',
  nodesLabel: 'sandbox.dev/expose-tcp-nodes',
  hostnameAnnotation: 'sandbox.dev/pool-hostname',
  addressesAnnotation: 'sandbox.dev/pool-addresses',
} as const;
/** ConfigMap in each member's namespace with the group's join list. */
export const POOL_CONFIGMAP = 'sandbox-pool';
/** The Secret of the certificate node `index` presents, and the one every node of the member may present. */
export const poolNodeSecret = (index: number) => `pool-node-${index}-tls`;
export const POOL_MEMBER_NODE_SECRET = 'pool-node-tls';
/** The Secret of the client certificate of a SQL user. */
export const poolClientSecret = (user: string) => `pool-client-${user.replace(/_/g, '-')}-tls`;

/** One database node of a member, reachable at an address of its own. */
export interface PoolNode {
  readonly index: number;
  /** The node's LoadBalancer Service. */
  readonly service: string;
  /** Where the other members reach it: a DNS name external-dns publishes, or a static IPv4 address. */
  readonly address: string;
  /** The address is an IP the load balancer asks for, not a name. */
  readonly staticAddress: boolean;
  /** The node's pod (`<statefulSet>-<index>`), when the member runs several nodes. @default - every pod of the selector */
  readonly pod?: string;
}

/** A member's place in an instance group, computed from the config alone. */
export interface PoolMembership {
  readonly group: string;
  /** `<member>.<group>.<domain>`: this member's public name, under which its nodes are named. */
  readonly hostname: string;
  /** This member's nodes, in order. */
  readonly nodes: readonly PoolNode[];
  /** Every node's `address:port` of every member, this one's included, in the group's order. */
  readonly join: readonly string[];
  /** TCP port the nodes reach each other on. */
  readonly port: number;
  /** Labels of the nodes' pods. */
  readonly selector: Readonly<Record<string, string>>;
  /** Brought Secret with the group's CA (`tls.crt`, `tls.key`). */
  readonly caSecret: string;
  /** SQL users that get a client certificate. */
  readonly clientUsers: readonly string[];
}

export interface PoolMemberProps extends PoolMembership {
  readonly namespace: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** What a member hands its blocks (injection paths `poolJoin`, `poolNodeAddresses`, ...), from the config alone. */
export function poolFacts(pool: PoolMembership) {
  return {
    poolJoin: pool.join.join(','),
    poolNodeAddresses: pool.nodes.map((n) => n.address),
    poolNodeCertificates: pool.nodes.map((n) => poolNodeSecret(n.index)),
    poolNodeCertificate: POOL_MEMBER_NODE_SECRET,
    poolClientCertificate: poolClientSecret(pool.clientUsers[0]),
    poolCaSecret: pool.caSecret,
  };
}

/** The grant labels and annotations of a member's namespace, which the tenant policies read. */
export function poolGrant(pool: PoolMembership): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  const addresses = pool.nodes.filter((n) => n.staticAddress).map((n) => n.address);
  return {
    labels: { [POOL_GRANT.portLabel]: String(pool.port), [POOL_GRANT.nodesLabel]: String(pool.nodes.length) },
    annotations: {
      [POOL_GRANT.hostnameAnnotation]: pool.nodes.map((n) => n.address).join(','),
      ...(addresses.length ? { [POOL_GRANT.addressesAnnotation]: addresses.join(',') } : {}),
    },
  };
}

/**
 * One member of an instance group across clusters: a LoadBalancer Service per database node on the granted port,
 * under the node's DNS name (published by external-dns) or at its static address, a NetworkPolicy for that port in
 * and out, a CA Issuer from the group's shared CA with a certificate per node (CN `node`, as CockroachDB wants it),
 * one for every node of the member, and a client certificate per SQL user, and the group's join list.
 */
export class PoolMember extends Construct {
  readonly services: ServiceV1[] = [];
  readonly joinList: ConfigMapV1;

  constructor(scope: Construct, id: string, props: PoolMemberProps) {
    super(scope, id);
    const port = String(props.port);
    for (const node of props.nodes) {
      this.services.push(
        // Node 0 keeps the id a one-node member always had, so that its load balancer (and address) stays.
        new ServiceV1(this, node.index === 0 ? 'Service' : `Service-${node.index}`, {
          metadata: {
            name: node.service,
            namespace: props.namespace,
            ...(node.staticAddress
              ? {}
              : { annotations: { 'external-dns.alpha.kubernetes.io/hostname': node.address } }),
          },
          spec: {
            type: 'LoadBalancer',
            selector: { ...props.selector, ...(node.pod ? { 'statefulset.kubernetes.io/pod-name': node.pod } : {}) },
            port: [{ name: 'pool', port: props.port, targetPort: port, protocol: 'TCP' }],
            ...(node.staticAddress ? { loadBalancerIp: node.address } : {}),
          },
          // Nothing in the stack reads the load balancer's address (the join list comes from the config), so the
          // apply does not wait for the cloud or MetalLB to assign one.
          waitForLoadBalancer: false,
          dependsOn: props.dependsOn,
        }),
      );
    }
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
    const certificate = (name: string, secret: string, spec: Record<string, unknown>) =>
      new Manifest(this, `Certificate-${name}`, {
        manifest: {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name, namespace: props.namespace },
          spec: {
            secretName: secret,
            issuerRef: { kind: 'Issuer', name: 'pool-ca', group: 'cert-manager.io' },
            ...spec,
          },
        },
        dependsOn: [issuer],
      });
    const names = (nodes: readonly PoolNode[]) => ({
      dnsNames: [
        ...nodes.filter((n) => !n.staticAddress).map((n) => n.address),
        ...nodes.map((n) => `${n.service}.${props.namespace}.svc.cluster.local`),
        ...nodes.flatMap((n) => (n.pod ? [n.pod] : [])),
        'localhost',
      ],
      ...(nodes.some((n) => n.staticAddress)
        ? { ipAddresses: nodes.filter((n) => n.staticAddress).map((n) => n.address) }
        : {}),
    });
    for (const node of props.nodes)
      certificate(`pool-node-${node.index}`, poolNodeSecret(node.index), {
        commonName: 'node',
        ...names([node]),
        usages: ['server auth', 'client auth'],
      });
    certificate('pool-node', POOL_MEMBER_NODE_SECRET, {
      commonName: 'node',
      ...names(props.nodes),
      usages: ['server auth', 'client auth'],
    });
    for (const user of props.clientUsers)
      certificate(`pool-client-${user.replace(/_/g, '-')}`, poolClientSecret(user), {
        commonName: user,
        usages: ['client auth'],
      });
    this.joinList = new ConfigMapV1(this, 'JoinList', {
      metadata: { name: POOL_CONFIGMAP, namespace: props.namespace },
      data: {
        group: props.group,
        self: props.nodes.map((n) => `${n.address}:${port}`).join(','),
        join: props.join.join(','),
      },
      dependsOn: props.dependsOn,
    });
  }
}
