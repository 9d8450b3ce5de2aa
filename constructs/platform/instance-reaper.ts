import { Construct } from 'constructs';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PlatformNamespace } from './platform-namespace';

export const REAPER_CHART_VERSION = '0.2.2';
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
}

/** The in-cluster safety net that removes expired instances and applies working hours. */
export class InstanceReaper extends Construct {
  readonly release: SandboxHelmRelease;
  /** The platform namespace the reaper lives in, which other platform releases share. */
  readonly namespace: PlatformNamespace;

  constructor(scope: Construct, id: string, props: InstanceReaperProps = {}) {
    super(scope, id);
    const schedule = props.schedule ?? '*/15 * * * *';
    if (!/^(\S+\s+){4}\S+$/.test(schedule)) throw new Error(`InstanceReaper "${id}": schedule must be a five-field cron expression, got "${schedule}"`);
    const ns = (this.namespace = new PlatformNamespace(this, 'Namespace', { name: SANDBOX_PLATFORM_NAMESPACE }));
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: REAPER_IDENTITY.serviceAccount,
      namespace: SANDBOX_PLATFORM_NAMESPACE,
      chart: ChartSource.packaged('instance-reaper'),
      version: REAPER_CHART_VERSION,
      values: { schedule, ...(props.registryMirror ? { global: { imageRegistry: props.registryMirror } } : {}) },
      dependsOn: [ns.namespace],
    });
  }
}
