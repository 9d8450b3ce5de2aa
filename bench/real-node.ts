import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

/** Names of the real node (scripts/node/network.sh), which its scripts and this benchmark share. */
function nodeSetting(name: string): string {
  const text = readFileSync(join(__dirname, '..', '..', 'scripts', 'node', 'network.sh'), 'utf8');
  const m = new RegExp(`^${name}=(\\S+)`, 'm').exec(text);
  if (!m) throw new Error(`scripts/node/network.sh has no ${name}`);
  return m[1];
}

const kubectl = (...args: string[]) => spawnSync('kubectl', args, { encoding: 'utf8', env: process.env });

/** Blocks and mocks whose images are built here (docs/testing/real-node.md), so every pod can run. */
export const REAL_NODE_BLOCKS = ['mysql'];
export const REAL_NODE_MOCKS = ['email', 'sms', 'payment', 'cloud'];

/**
 * Runs `measure` with every new pod sent to the real node: the kwok nodes cordoned and the real node's taint
 * lifted, both restored afterwards. Fails when the real node is not Ready.
 */
export async function onRealNode<T>(measure: () => Promise<T>): Promise<T> {
  const name = nodeSetting('NODE_NAME');
  const ready = kubectl('get', 'node', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}');
  if (ready.stdout.trim() !== 'True') throw new Error(`node ${name} is not Ready (scripts/node/up.sh)`);
  kubectl('cordon', '-l', 'type=kwok');
  kubectl('taint', 'node', name, `${nodeSetting('NODE_TAINT')}:NoSchedule-`);
  try {
    return await measure();
  } finally {
    kubectl('taint', 'node', name, `${nodeSetting('NODE_TAINT')}=true:NoSchedule`, '--overwrite');
    kubectl('uncordon', '-l', 'type=kwok');
  }
}

/** True when every pod of `namespace` runs on the real node and is Ready (a Job's pod: Succeeded). */
export function allPodsReadyOnRealNode(namespace: string): boolean {
  const r = kubectl('get', 'pods', '-n', namespace, '-o', 'json');
  if (r.status !== 0) return false;
  const pods = JSON.parse(r.stdout).items as any[];
  const name = nodeSetting('NODE_NAME');
  return (
    pods.length > 0 &&
    pods.every(
      (p) =>
        p.spec.nodeName === name &&
        (p.status.phase === 'Succeeded' ||
          (p.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')),
    )
  );
}
