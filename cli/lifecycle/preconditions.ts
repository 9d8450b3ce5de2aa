import type { LifecycleAction, Phase } from './phase';

/** An instance as an action sees it before it starts. */
export interface ActionTarget {
  readonly name: string;
  readonly phase: Phase;
  /** With `failed`: the action that did not finish; none when the namespace went missing. */
  readonly failedAction?: LifecycleAction;
  readonly reason?: string;
}

/** Why `action` cannot run on the instance now, with the command that fixes it; undefined when it can. */
export function actionProblem(action: LifecycleAction, t: ActionTarget): string | undefined {
  const { name, phase } = t;
  const failedCreate = phase === 'failed' && t.failedAction === 'create';
  const fixCreate = `fix its spec and run \`sandboxkit instance apply -f <spec>\` (or \`sandboxkit instance create ${name} --update ...\`), or remove it with \`sandboxkit instance destroy ${name}\` (\`sandboxkit gc\` removes failed creates too)`;
  const why = t.reason ? ` (${t.reason})` : '';
  switch (action) {
    case 'create':
      return phase === 'gone' || failedCreate || phase === 'pending' || phase === 'creating'
        ? undefined
        : `instance "${name}" already exists (${phase}); pass --update to apply this spec to it, or use \`sandboxkit instance apply -f\``;
    case 'update':
      if (phase === 'stopped')
        return `instance "${name}" is stopped; start it first: sandboxkit instance start ${name}`;
      if (phase === 'expired')
        return `instance "${name}" has expired; give it time first: sandboxkit instance extend ${name} --ttl 24h`;
      if (phase === 'destroying') return `instance "${name}" is being destroyed${why}`;
      if (phase === 'stopping' || phase === 'starting')
        return `instance "${name}" is ${phase}${why}; wait for it, or run \`sandboxkit instance ${phase === 'stopping' ? 'stop' : 'start'} ${name}\` again if that command was interrupted`;
      return undefined;
    case 'extend':
      if (failedCreate)
        return `instance "${name}" is failed: its create did not finish${why}, so there is nothing to extend; ${fixCreate}`;
      if (phase === 'pending' || phase === 'creating')
        return `instance "${name}" is ${phase}: it has not been deployed, so there is nothing to extend; deploy it with \`sandboxkit instance apply -f <spec>\``;
      if (phase === 'destroying') return `instance "${name}" is being destroyed${why}`;
      return undefined;
    case 'stop':
      if (phase === 'ready' || phase === 'stopping' || phase === 'stopped') return undefined;
      if (phase === 'failed' && !failedCreate) return undefined;
      return failedCreate
        ? `instance "${name}" is failed: its create did not finish${why}; ${fixCreate}`
        : `instance "${name}" is ${phase}${why}; only a ready instance can be stopped`;
    case 'start':
      if (phase === 'stopped' || phase === 'starting' || phase === 'ready') return undefined;
      if (phase === 'failed' && !failedCreate) return undefined;
      return failedCreate
        ? `instance "${name}" is failed: its create did not finish${why}; ${fixCreate}`
        : `instance "${name}" is ${phase}${why}; only a stopped instance can be started`;
    case 'destroy':
    case 'gc':
      return undefined;
  }
}

/** Why gc removes an instance in this phase, or undefined to keep it: expired instances and failed creates. */
export function gcReason(t: ActionTarget & { readonly protected?: boolean }): string | undefined {
  if (t.protected) return undefined;
  if (t.phase === 'expired') return 'expired';
  if (t.phase === 'failed' && t.failedAction === 'create')
    return t.reason?.startsWith('interrupted') ? 'create interrupted' : 'create failed';
  return undefined;
}
