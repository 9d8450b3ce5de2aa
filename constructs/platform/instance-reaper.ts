import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS } from '../cluster';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PlatformNamespace } from './platform-namespace';

export const REAPER_CHART_VERSION = '0.5.0';
export const SANDBOX_PLATFORM_NAMESPACE = 'sandbox-platform';

/**
 * Who the reaper is and the ClusterRole its chart defines for one instance namespace. An instance binds that role in
 * its own namespace, so the reaper's delete and scale rights reach exactly the namespaces that bound it.
 */
export const REAPER_IDENTITY = {
  namespace: SANDBOX_PLATFORM_NAMESPACE,
  serviceAccount: 'instance-reaper',
  instanceClusterRole: 'instance-reaper-instance',
} as const;

export interface InstanceReaperProps {
  /** Cron, UTC. @default '*\/15 * * * *' */
  readonly schedule?: string;
  /** @default - images from their own registries */
  readonly registryMirror?: string;
  /**
   * Delete instances that had no apply and no request through the gateway for this many hours; an instance's
   * `idleHours` overrides it. Needs `prometheusUrl`. @default - no idle reaping
   */
  readonly idleHours?: number;
  /** Prometheus that scrapes the gateway's proxies, read for request counts. @default - none */
  readonly prometheusUrl?: string;
  /**
   * The `job` label of the proxies' series in that Prometheus; only they count, besides their namespace (the
   * platform's gateway namespace). @default - any job
   */
  readonly gatewayProxyJob?: string;
}

/** The in-cluster safety net that removes expired (and, optionally, idle) instances and applies working hours. */
export class InstanceReaper extends Construct {
  readonly release: SandboxHelmRelease;
  /** The platform namespace the reaper lives in, which other platform releases share. */
  readonly namespace: PlatformNamespace;

  constructor(scope: Construct, id: string, props: InstanceReaperProps = {}) {
    super(scope, id);
    const schedule = props.schedule ?? '*/15 * * * *';
    if (!/^(\S+\s+){4}\S+$/.test(schedule))
      throw new Error(`InstanceReaper "${id}": schedule must be a five-field cron expression, got "${schedule}"`);
    const idleHours = props.idleHours ?? 0;
    if (!Number.isInteger(idleHours) || idleHours < 0)
      throw new Error(`InstanceReaper "${id}": idleHours must be a whole number of hours, got ${idleHours}`);
    if (idleHours > 0 && !props.prometheusUrl)
      throw new Error(
        `InstanceReaper "${id}": idleHours (${idleHours}) needs a prometheusUrl to count requests through the gateway`,
      );
    const ns = (this.namespace = new PlatformNamespace(this, 'Namespace', { name: SANDBOX_PLATFORM_NAMESPACE }));
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: REAPER_IDENTITY.serviceAccount,
      namespace: SANDBOX_PLATFORM_NAMESPACE,
      chart: ChartSource.packaged('instance-reaper'),
      version: REAPER_CHART_VERSION,
      values: {
        schedule,
        ...(props.registryMirror ? { global: { imageRegistry: props.registryMirror } } : {}),
        ...(idleHours > 0
          ? {
              idle: {
                hours: idleHours,
                prometheusUrl: props.prometheusUrl,
                proxyNamespace: PLATFORM_DEFAULTS.gatewayNamespace,
                proxyJob: props.gatewayProxyJob ?? '',
              },
            }
          : {}),
      },
      dependsOn: [ns.namespace],
    });
  }
}
