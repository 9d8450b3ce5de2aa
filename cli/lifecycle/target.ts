import type { SandboxConfig } from '../../config/types';
import type { CliContext } from '../context';
import { namespaceOf, resolveInstance, type InstanceRef } from '../instances';
import { CliError, EXIT } from '../io';
import { apiServerProblem, checkApiServer, type ApiServerCheck } from '../kube';
import { observeInstance, observeNamespace, type InstanceObservation } from './observe';
import { actionProblem } from './preconditions';
import type { LifecycleAction } from './phase';
import { TOOL_ENV } from '../tools';
import { reconcile, type NamespaceState, type ReconciledPhase } from './reconcile';

/** An instance found by name, with what its cluster says of it and the phase that makes. */
export interface Target {
  readonly ref: InstanceRef;
  readonly namespace: string;
  readonly isProtected: boolean;
  readonly check: ApiServerCheck;
  /** The cluster's view; `problems` says what could not be read. */
  readonly observation: InstanceObservation;
  readonly status: ReconciledPhase;
}

/** Whether the instance is protected: only the config file can say so. */
const protectedIn = (config: SandboxConfig, name: string) =>
  config.instances?.find((i) => i.name === name)?.protected === true;

/**
 * Finds the instance, asks its API server for `/version` and reads its namespace, releases, pods and routes, at
 * the same time; reconciles the recorded phase with them. With `require`, an API server that does not answer is an
 * error (nothing has been done yet); else the instance is shown as recorded.
 */
export async function findTarget(
  ctx: CliContext,
  config: SandboxConfig,
  name: string,
  options: {
    /** An API server that does not answer is an error. */
    require?: boolean;
    gone?: boolean;
    /** The action needs kubectl (stop, start). */
    kubectl?: boolean;
    /** Also read releases, pods, routes and events (status), not the namespace alone. */
    detail?: boolean;
  } = {},
): Promise<Target> {
  const ref = await resolveInstance(ctx, config, name, { gone: options.gone });
  const namespace = namespaceOf(ref.instance);
  const [check, observation] = await Promise.all([
    checkApiServer(ctx, ref.cluster),
    (options.detail ? observeInstance : observeNamespace)(ctx, ref.cluster, namespace),
  ]);
  if (check.status === 'no kubectl' && options.kubectl)
    throw new CliError(
      `kubectl could not be started: install kubectl or set ${TOOL_ENV.kubectl}; \`sandboxkit doctor\` checks every tool this config needs`,
      EXIT.failed,
    );
  const problem = apiServerProblem(check);
  if (problem && options.require)
    throw new CliError(
      `${problem}\nNothing was changed. Start the cluster or fix clusters[].connection; \`sandboxkit doctor\` checks every cluster.`,
      EXIT.failed,
    );
  const ns: NamespaceState =
    problem || (observation.problems.length && !observation.namespace) ? 'unknown' : observation.namespace;
  const isProtected = protectedIn(config, name);
  return {
    ref,
    namespace,
    isProtected,
    check,
    observation,
    status: reconcile(ref.record, ns, ctx.io.now(), isProtected),
  };
}

/** Refuses the action when the instance's phase does not allow it, with the command that fixes it. */
export function assertAction(action: LifecycleAction, target: Target): void {
  const problem = actionProblem(action, {
    name: target.ref.name,
    phase: target.status.phase,
    failedAction: target.status.failedAction,
    reason: target.status.reason,
  });
  if (problem) throw new CliError(problem, EXIT.failed);
}
