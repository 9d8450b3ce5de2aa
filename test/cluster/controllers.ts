import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { items, kubectlJson, waitFor } from './kube';

/**
 * The controllers scripts/controllers/supervise.ts runs for the suite (started by scripts/cluster-env.sh):
 * their state as it reports it, and what external-dns' in-memory provider was told to change.
 */
export interface ControllerStatus {
  readonly deployment: string;
  readonly state: 'running' | 'exited' | 'failed' | 'completed';
  readonly message: string;
  readonly log: string;
  readonly args?: readonly string[];
  readonly overridden?: readonly string[];
}

/**
 * The supervisor's state folder. It runs on the shared control plane only, where no pod runs: on a cluster whose
 * nodes run the controllers' pods (kind, a dev cluster) this suite fails here, saying so.
 */
export function controllersState(): string {
  const dir = process.env.SANDBOXKIT_CONTROLLERS_STATE;
  if (!dir)
    throw new Error(
      'SANDBOXKIT_CONTROLLERS_STATE is not set: the controllers run as processes only on the shared control plane (npm run test:cluster with SANDBOXKIT_REALK8S=1 or CI=true)',
    );
  return dir;
}

export function controllerStatus(): Record<string, ControllerStatus> {
  const file = join(controllersState(), 'status.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

/**
 * Waits until the supervisor runs the controller of `deployment` (`namespace/name`). A start may fail for a while
 * (a Secret its chart's Job writes is not there yet); at the end the error names the last state and its log.
 */
export async function waitRunning(deployment: string, seconds = 240): Promise<ControllerStatus> {
  let last: ControllerStatus | undefined;
  try {
    await waitFor(`controller ${deployment} to run`, seconds, () => {
      last = controllerStatus()[deployment];
      return last?.state === 'running';
    });
  } catch (err) {
    const log = last?.log && existsSync(last.log) ? readFileSync(last.log, 'utf8').slice(-4000) : '';
    throw new Error(`${(err as Error).message}: ${last ? `${last.state}: ${last.message}` : 'never started'}\n${log}`, {
      cause: err,
    });
  }
  return last!;
}

/** A DNS record as external-dns plans it: name, type and targets. */
export interface DnsRecord {
  readonly name: string;
  readonly type: string;
  readonly targets: string;
}

/**
 * The zone external-dns' in-memory provider holds, rebuilt from the changes it logs
 * ("CREATE: <name> <ttl> IN <type> <set id> <targets> <provider specific>").
 */
export function plannedRecords(log: string): DnsRecord[] {
  const zone = new Map<string, DnsRecord>();
  const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
  for (const m of text.matchAll(
    /msg="(CREATE|DELETE|UPDATE \(old\)|UPDATE \(new\)): (\S+) \d+ IN (\S+) (\S*) (.*?) \[.*?\]"/g,
  )) {
    const [, change, name, type, , targets] = m;
    const key = `${name} ${type}`;
    if (change === 'DELETE' || change === 'UPDATE (old)') zone.delete(key);
    else zone.set(key, { name, type, targets: targets.trim() });
  }
  return [...zone.values()].sort((a, b) => `${a.name} ${a.type}`.localeCompare(`${b.name} ${b.type}`));
}

/** The condition `type` of an object's status (or of a parent's status in a route), as `True`/`False`/absent. */
export const condition = (conditions: readonly any[] | undefined, type: string): string | undefined =>
  conditions?.find((c) => c.type === type)?.status;

/** The reason of condition `type`. */
export const reason = (conditions: readonly any[] | undefined, type: string): string | undefined =>
  conditions?.find((c) => c.type === type)?.reason;

/** Route parents' conditions of every HTTPRoute in a namespace, by route name. */
export function routeConditions(namespace: string): Record<string, any[]> {
  return Object.fromEntries(
    items('httproutes', '-n', namespace).map((r) => [
      r.metadata.name,
      (r.status?.parents ?? []).flatMap((p: any) => p.conditions ?? []),
    ]),
  );
}

/** The Service Envoy Gateway created for the proxies of a Gateway. */
export function proxyService(gatewayNamespace: string, gateway: string): any | undefined {
  return items('services', '-n', gatewayNamespace, '-l', `gateway.envoyproxy.io/owning-gateway-name=${gateway}`)[0];
}

export const gatewayStatus = (namespace: string, name: string) =>
  kubectlJson('get', 'gateway', name, '-n', namespace).status ?? {};
