import type { InstanceConfig } from '../../config/types';
import type { CliContext } from '../context';
import { dailyCost } from '../cost';
import { podSecurityOf } from '../instances';
import type { PodCounts, ReleaseObservation, RouteObservation, WarningEvent } from './observe';
import type { LifecycleAction, Phase } from './phase';
import type { HistoryEntry } from './record';
import { INSTANCE_KIND } from './spec-file';
import { findTarget } from './target';

/** The status half of an instance document: the record's phase reconciled with the cluster, and what the cluster says. */
export interface InstanceStatusDoc {
  readonly phase: Phase;
  readonly reason?: string;
  readonly failedAction?: LifecycleAction;
  readonly recordedPhase?: Phase;
  readonly cluster: string;
  readonly namespace: string;
  readonly owner: string;
  readonly origin: 'config' | 'cli';
  readonly template?: string;
  readonly createdAt?: string;
  readonly expiresAt?: string;
  readonly protected: boolean;
  /** `https://` URL of every routed block, from the cluster's HTTPRoutes (the record's when not read). */
  readonly urls: readonly RouteObservation[];
  /** Helm releases in the namespace, every status. */
  readonly releases?: readonly ReleaseObservation[];
  readonly pods?: PodCounts;
  /** Recent Warning events of the namespace. */
  readonly warnings?: readonly WarningEvent[];
  readonly lastError?: string;
  readonly podSecurity: string;
  readonly dailyCostUsd: number | null;
  readonly costBasis: string;
  /** Whether the cluster answered: `yes`, or what could not be read. */
  readonly observed: 'yes' | 'unreachable' | 'partly';
  readonly problems: readonly string[];
  readonly history: readonly HistoryEntry[];
}

/** One instance as `instance get -o yaml` prints it and `instance apply -f` takes it back. */
export interface InstanceDocument {
  readonly kind: typeof INSTANCE_KIND;
  readonly spec: InstanceConfig;
  readonly status: InstanceStatusDoc;
}

/**
 * Everything known of one instance: its spec, its phase reconciled with the cluster, releases with their status,
 * pods ready of total, the URLs of its routed blocks, expiry, owner, estimated cost, last error and history. The
 * cluster is read once (namespace, releases, pods and events, routes at the same time); when it does not answer,
 * the record's view is returned with what could not be read.
 */
export async function instanceDocument(ctx: CliContext, name: string): Promise<InstanceDocument> {
  const config = ctx.store.read();
  const t = await findTarget(ctx, config, name, { detail: true });
  const spec = t.ref.instance;
  const record = t.ref.record;
  const o = t.observation;
  const pss = podSecurityOf(t.ref.config, spec);
  const cost = dailyCost(t.ref.cluster, spec, t.ref.config);
  const recordedUrls = (record?.status.urls ?? []).map((url) => ({
    block: /^https:\/\/([^.]+)\./.exec(url)?.[1] ?? url,
    url,
  }));
  const unreachable = t.check.status === 'unreachable';
  return {
    kind: INSTANCE_KIND,
    spec,
    status: {
      phase: t.status.phase,
      ...(t.status.reason ? { reason: t.status.reason } : {}),
      ...(t.status.failedAction ? { failedAction: t.status.failedAction } : {}),
      ...(record ? { recordedPhase: record.status.phase } : {}),
      cluster: spec.cluster,
      namespace: t.namespace,
      owner: spec.owner,
      origin: t.ref.inConfig ? 'config' : 'cli',
      ...(record?.status.template ? { template: record.status.template } : {}),
      ...(record?.status.createdAt ? { createdAt: record.status.createdAt } : {}),
      ...(t.status.expiresAt ? { expiresAt: t.status.expiresAt } : {}),
      protected: t.isProtected,
      urls: o.routes ?? recordedUrls,
      ...(o.releases ? { releases: o.releases } : {}),
      ...(o.pods ? { pods: o.pods } : {}),
      ...(o.warnings ? { warnings: o.warnings } : {}),
      ...(record?.status.failure ? { lastError: record.status.failure.message } : {}),
      podSecurity: pss.loweredBy.length ? `${pss.level} (${pss.loweredBy.join(', ')})` : pss.level,
      dailyCostUsd: cost.usd,
      costBasis: cost.basis,
      observed: unreachable ? 'unreachable' : o.problems.length ? 'partly' : 'yes',
      problems: unreachable ? [`the API server did not answer: ${t.check.error}`] : o.problems,
      history: record?.history ?? [],
    },
  };
}
