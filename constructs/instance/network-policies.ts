import { NetworkPolicyV1, type NetworkPolicyV1Spec } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { Construct } from 'constructs';

export interface InstanceNetworkPoliciesProps {
  readonly namespace: string;
  /** Namespace of the ingress controller, whose traffic is admitted. */
  readonly ingressControllerNamespace: string;
  /** Pod labels of the instance's mocks, reachable from its blocks. @default [] */
  readonly mockSelectors?: readonly Readonly<Record<string, string>>[];
  /** Let pods reach the internet (never private ranges or the cloud metadata service). @default false */
  readonly allowInternetEgress?: boolean;
  /**
   * The CloudNativePG operator that runs the instance's PostgreSQL clusters: it must reach their pods, and they the
   * Kubernetes API. @default - the instance runs no operator-managed database
   */
  readonly databaseOperator?: DatabaseOperatorAccess;
}

/** Where the CloudNativePG operator runs, as its chart labels its pods. */
export interface DatabaseOperatorAccess {
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
}

/**
 * What CloudNativePG documents for network policies: the operator connects to each instance pod on 8000 (the
 * instance manager's status endpoint) and 5432, and the instance manager in every pod of a cluster (instances and
 * bootstrap jobs, labelled `cnpg.io/cluster`) watches the Kubernetes API. The API server's address differs per cloud
 * and policies see it after the `kubernetes` Service is translated, so that egress is bounded by pod and port.
 */
export const CNPG_POD_SELECTOR = { matchExpressions: [{ key: 'cnpg.io/cluster', operator: 'Exists' }] };
export const CNPG_OPERATOR_PORTS = [8000, 5432];
/** Ports Kubernetes API servers listen on: 443 (EKS, AKS, GKE) and 6443 (kubeadm, k3s, kind). */
export const API_SERVER_PORTS = [443, 6443];

/** Private ranges and the metadata service stay closed even when internet egress is on. */
export const NEVER_EGRESS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'];

const nsSelector = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });

/**
 * What every sandboxed namespace starts from, instance or shared service: deny everything in and
 * out, then allow traffic inside the namespace and DNS. Names are the policies' names.
 */
export const BASELINE_POLICIES: Readonly<Record<string, NetworkPolicyV1Spec>> = {
  'default-deny': { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  'allow-same-namespace': {
    podSelector: {},
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ podSelector: {} }] }],
    egress: [{ to: [{ podSelector: {} }] }],
  },
  'allow-dns': {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [
      {
        to: [{ namespaceSelector: nsSelector('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { port: '53', protocol: 'UDP' },
          { port: '53', protocol: 'TCP' },
        ],
      },
    ],
  },
};

/**
 * Deny all traffic in and out, then allow: within the namespace, DNS, the
 * ingress controller in, the mocks out, and the internet out only on request.
 */
export class InstanceNetworkPolicies extends Construct {
  readonly policies: NetworkPolicyV1[] = [];

  constructor(scope: Construct, id: string, props: InstanceNetworkPoliciesProps) {
    super(scope, id);
    const add = (name: string, spec: NetworkPolicyV1Spec) =>
      this.policies.push(new NetworkPolicyV1(this, name, { metadata: { name, namespace: props.namespace }, spec }));

    for (const [name, spec] of Object.entries(BASELINE_POLICIES)) add(name, spec);
    add('allow-ingress-controller', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: nsSelector(props.ingressControllerNamespace) }] }],
    });
    if (props.mockSelectors?.length) {
      add('allow-egress-to-mocks', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: props.mockSelectors.map((labels) => ({ podSelector: { matchLabels: { ...labels } } })) }],
      });
    }
    if (props.databaseOperator) {
      add('allow-database-operator', {
        podSelector: CNPG_POD_SELECTOR,
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: nsSelector(props.databaseOperator.namespace),
                podSelector: { matchLabels: { ...props.databaseOperator.podLabels } },
              },
            ],
            ports: CNPG_OPERATOR_PORTS.map((port) => ({ port: String(port), protocol: 'TCP' })),
          },
        ],
      });
      add('allow-database-api-server', {
        podSelector: CNPG_POD_SELECTOR,
        policyTypes: ['Egress'],
        egress: [{ ports: API_SERVER_PORTS.map((port) => ({ port: String(port), protocol: 'TCP' })) }],
      });
    }
    if (props.allowInternetEgress) {
      add('allow-internet-egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...NEVER_EGRESS] } }] }],
      });
    }
  }
}
