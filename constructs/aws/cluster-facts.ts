import { Fn } from 'cdktf';
import { platformIngress, platformSecretStore, type ClusterFacts } from '../cluster';
import { AwsInstanceSecrets } from './instance-secrets';
import { awsNames } from './naming';
import { AwsPlatformNeeds } from './platform-needs';

export interface EksFactsProps {
  readonly clusterName: string;
  readonly region: string;
  readonly endpoint: string;
  /** Base64 CA bundle, as EKS reports it. */
  readonly certificateAuthority: string;
  readonly oidcIssuerUrl: string;
  /** @default '<clusterName>.sandbox.internal' */
  readonly ingressDomain?: string;
  /** @default true */
  readonly sharedStorage?: boolean;
  /** Route 53 hosted zone of external-dns. @default - none */
  readonly externalDnsZoneId?: string;
}

/** What an EKS cluster exposes, whether the stack created it or found it by name. */
export function eksFacts(props: EksFactsProps): ClusterFacts {
  const names = awsNames(props.clusterName);
  const sharedStorage = props.sharedStorage ?? true;
  return {
    connection: {
      host: props.endpoint,
      clusterCaCertificate: Fn.base64decode(props.certificateAuthority),
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: 'aws',
        args: ['eks', 'get-token', '--cluster-name', names.eksCluster, '--region', props.region, '--output', 'json'],
      },
    },
    storage: { blockRwo: names.blockStorageClass, sharedRwx: sharedStorage ? names.sharedStorageClass : undefined },
    secretStore: platformSecretStore('aws-secrets-manager', props.clusterName),
    ingress: platformIngress(props.ingressDomain ?? `${props.clusterName}.sandbox.internal`),
    secretBackend: new AwsInstanceSecrets({
      clusterName: props.clusterName,
      region: props.region,
      oidcIssuerUrl: props.oidcIssuerUrl,
    }),
    platformNeeds: new AwsPlatformNeeds({
      clusterName: props.clusterName,
      region: props.region,
      sharedStorage,
      externalDnsZoneId: props.externalDnsZoneId,
    }),
  };
}
