import { Construct } from 'constructs';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { mergeValues } from '../instance/values';
import { PlatformNamespace } from './platform-namespace';

export const EXTERNAL_DNS_CHART = {
  repository: 'https://kubernetes-sigs.github.io/external-dns/',
  name: 'external-dns',
  version: '1.21.1',
} as const;

export interface ExternalDnsProps {
  readonly clusterName: string;
  /** Only names under this domain are written. */
  readonly domain: string;
  /** The cloud's provider settings and identity, from PlatformNeeds. */
  readonly cloudValues: Readonly<Record<string, unknown>>;
}

/**
 * external-dns: writes `<block>.<instance>.<domain>` records for instance
 * routes into the cloud's zone, and removes them when the route goes,
 * with its own workload identity limited to that zone.
 */
export class ExternalDns extends Construct {
  readonly release: SandboxHelmRelease;

  constructor(scope: Construct, id: string, props: ExternalDnsProps) {
    super(scope, id);
    const ns = new PlatformNamespace(this, 'Namespace', { name: 'external-dns' });
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: 'external-dns',
      namespace: 'external-dns',
      chart: ChartSource.repository(EXTERNAL_DNS_CHART.repository, EXTERNAL_DNS_CHART.name),
      version: EXTERNAL_DNS_CHART.version,
      values: mergeValues(
        {
          // Services: only an instance group member's granted LoadBalancer may carry a hostname (tenant policies).
          sources: ['gateway-httproute', 'service'],
          // Every instance route's parent is its ListenerSet: without this, external-dns publishes none of them.
          enableGatewayListenerSets: true,
          domainFilters: [props.domain],
          policy: 'sync',
          // An instance's names are published when its route is created and removed when it goes, not up to a
          // minute later at the next interval: instances live hours and are tried right after create.
          triggerLoopOnEvent: true,
          txtOwnerId: props.clusterName,
          serviceAccount: { create: true, name: 'external-dns' },
        },
        props.cloudValues,
      ),
      dependsOn: [ns.namespace],
    });
  }
}
