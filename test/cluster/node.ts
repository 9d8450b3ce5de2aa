import { spawn } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { exec, items, kubectl, kubectlJson, must, ROOT, waitFor } from './kube';

/** The real node's names and addresses, read from the file its scripts source (scripts/node/network.sh). */
function nodeSettings(): Record<string, string> {
  const text = readFileSync(join(ROOT, 'scripts', 'node', 'network.sh'), 'utf8');
  return Object.fromEntries([...text.matchAll(/^([A-Z_]+)=(\S+)/gm)].map((m) => [m[1], m[2]]));
}
const settings = nodeSettings();
export const REAL_NODE = {
  name: settings.NODE_NAME,
  ip: settings.NODE_IP,
  netns: settings.NODE_NETNS,
  label: settings.NODE_LABEL,
  taint: settings.NODE_TAINT,
} as const;

/** Fails with how to start it when the real node is not Ready (a check that needs it never skips). */
export function requireRealNode(): void {
  const r = exec('kubectl', ['get', 'node', REAL_NODE.name, '-o', 'json']);
  const ready =
    r.code === 0 && JSON.parse(r.stdout).status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True');
  if (!ready)
    throw new Error(
      `node ${REAL_NODE.name} is not Ready: run the suite with npm run test:cluster, or start it with scripts/node/up.sh`,
    );
}

/**
 * Sends every new pod to the real node until the returned function is called: the kwok nodes are cordoned and
 * the real node's taint (which keeps other suites' pods off it) is lifted. Suites run one at a time.
 */
export function placePodsOnRealNode(): () => void {
  requireRealNode();
  must('kubectl', ['cordon', '-l', 'type=kwok']);
  must('kubectl', ['taint', 'node', REAL_NODE.name, `${REAL_NODE.taint}:NoSchedule-`]);
  return () => {
    exec('kubectl', ['taint', 'node', REAL_NODE.name, `${REAL_NODE.taint}=true:NoSchedule`, '--overwrite']);
    exec('kubectl', ['uncordon', '-l', 'type=kwok']);
  };
}

/** A pod that only waits, with curl in it (the curl image the seed chart uses), to probe from. */
export function createProbe(namespace: string, name: string, labels: Record<string, string> = {}): void {
  must('kubectl', ['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels: { app: name, ...labels } },
      spec: {
        automountServiceAccountToken: false,
        // `sleep` as PID 1 ignores SIGTERM: without this, the namespace waits 30 s for the probe to be killed.
        terminationGracePeriodSeconds: 1,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'probe',
            image: 'docker.io/curlimages/curl:8.12.1',
            imagePullPolicy: 'Never',
            command: ['sleep', '86400'],
            resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
          },
        ],
      },
    }),
  });
}

/**
 * What a failed wait on a namespace needs to be understood from CI output alone: each pod's phase, node and
 * container states, the namespace's Warning events, and the last log lines of every container not Ready.
 */
export function namespaceReport(namespace: string): string {
  const lines: string[] = [`--- namespace ${namespace} ---`];
  for (const pod of items('pods', '-n', namespace)) {
    const name = pod.metadata.name;
    lines.push(`pod ${name}: ${pod.status.phase} on ${pod.spec.nodeName ?? '(unscheduled)'}`);
    for (const c of pod.status.conditions ?? [])
      if (c.status !== 'True') lines.push(`  condition ${c.type}=${c.status} ${c.reason ?? ''} ${c.message ?? ''}`);
    for (const s of [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]) {
      const [state, detail] = Object.entries(s.state ?? {})[0] ?? ['unknown', {}];
      const why = (detail as any).reason ? ` ${(detail as any).reason}: ${(detail as any).message ?? ''}` : '';
      lines.push(`  container ${s.name}: ${state}${why} (ready ${s.ready}, restarts ${s.restartCount})`);
      if (s.ready || state === 'waiting') continue;
      const log = exec('kubectl', ['logs', '-n', namespace, name, '-c', s.name, '--tail=20']);
      lines.push(
        ...(log.stdout + log.stderr)
          .trimEnd()
          .split('\n')
          .map((l) => `    | ${l}`),
      );
    }
  }
  for (const e of items('events', '-n', namespace, '--field-selector', 'type=Warning'))
    lines.push(`event ${e.involvedObject.kind}/${e.involvedObject.name}: ${e.reason} ${e.message} (x${e.count ?? 1})`);
  return lines.join('\n');
}

/** Waits until every pod of a namespace runs on the real node and is Ready (Jobs' pods: Succeeded). */
export async function podsReadyOnRealNode(namespace: string, seconds = 300): Promise<void> {
  const ready = () => {
    const pods = items('pods', '-n', namespace);
    return (
      pods.length > 0 &&
      pods.every(
        (p) =>
          p.spec.nodeName === REAL_NODE.name &&
          (p.status.phase === 'Succeeded' ||
            (p.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')),
      )
    );
  };
  await waitFor(`pods of ${namespace} Ready on ${REAL_NODE.name}`, seconds, ready).catch((e: Error) => {
    throw new Error(`${e.message}\n${namespaceReport(namespace)}`);
  });
}

/** What a TCP connection attempt from a pod ended in: curl's exit code tells a refused or dropped SYN apart. */
export type Reach = 'connected' | 'refused' | 'timed out' | 'unresolved';

/** Opens a TCP connection from `pod` to host:port with curl (3 s to connect), and sends nothing. */
export function reach(namespace: string, pod: string, host: string, port: number): Reach {
  const r = exec('kubectl', [
    ...['exec', '-n', namespace, pod, '--', 'curl', '--silent', '--output', '/dev/null'],
    ...['--connect-timeout', '3', '--max-time', '4', '--write-out', '%{time_connect}', `telnet://${host}:${port}`],
  ]);
  if (/error: unable to upgrade|Error from server|error: .*container/i.test(r.stderr))
    throw new Error(`kubectl exec into ${namespace}/${pod} failed: ${r.stderr}`);
  // curl's time to connect is 0 unless the TCP handshake completed; telnet:// then waits for the server, so a
  // connection usually ends at --max-time. Without a connection: 6 = name not resolved, 7 = refused, 28 = timed out.
  if (Number(r.stdout.trim()) > 0) return 'connected';
  if (r.code === 6) return 'unresolved';
  if (r.code === 7) return 'refused';
  if (r.code === 28) return 'timed out';
  throw new Error(`curl from ${namespace}/${pod} to ${host}:${port} exited ${r.code}: ${r.stderr}`);
}

/** Runs a command in a pod's first container and returns its output; fails the test when it fails. */
export const inPod = (namespace: string, pod: string, ...command: string[]) =>
  must('kubectl', ['exec', '-n', namespace, pod, '--', ...command]);

/** The ClusterIP and one pod IP of a Service, by its name. */
export function serviceAddresses(namespace: string, service: string): { clusterIP: string; podIP: string } {
  const svc = kubectlJson('get', 'service', service, '-n', namespace);
  const selector = Object.entries(svc.spec.selector as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pod = items('pods', '-n', namespace, '-l', selector)[0];
  if (!pod?.status?.podIP) throw new Error(`no pod with an IP behind ${namespace}/${service}`);
  return { clusterIP: svc.spec.clusterIP, podIP: pod.status.podIP };
}

/** A TCP listener at an internet address, inside a network namespace on this machine. */
export interface InternetListener {
  readonly ip: string;
  readonly port: number;
  /** Stops the listener and removes its namespace. */
  close(): void;
}

/**
 * Listens on 198.51.100.10:8080 (TEST-NET-2: outside every private range the policies close) in a network namespace
 * made here and linked to the node's namespace only, so pods reach it as they would the internet and no packet
 * leaves the machine.
 */
export function internetListener(): InternetListener {
  const ns = 'sandboxkit-inet';
  const [ip, port] = ['198.51.100.10', 8080];
  const sh = (...args: string[]) => must('ip', args);
  exec('ip', ['netns', 'del', ns]);
  sh('netns', 'add', ns);
  sh('link', 'add', 'sbk-inet', 'netns', REAL_NODE.netns, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
  sh('-n', REAL_NODE.netns, 'addr', 'add', '10.250.254.1/30', 'dev', 'sbk-inet');
  sh('-n', REAL_NODE.netns, 'link', 'set', 'sbk-inet', 'up');
  sh('-n', REAL_NODE.netns, 'route', 'replace', `${ip}/32`, 'via', '10.250.254.2');
  sh('-n', ns, 'addr', 'add', '10.250.254.2/30', 'dev', 'eth0');
  sh('-n', ns, 'addr', 'add', `${ip}/32`, 'dev', 'lo');
  sh('-n', ns, 'link', 'set', 'lo', 'up');
  sh('-n', ns, 'link', 'set', 'eth0', 'up');
  sh('-n', ns, 'route', 'add', 'default', 'via', '10.250.254.1');
  const server = spawn(
    'ip',
    ['netns', 'exec', ns, 'socat', `TCP-LISTEN:${port},bind=${ip},fork,reuseaddr`, 'SYSTEM:echo internet'],
    {
      stdio: 'ignore',
    },
  );
  return {
    ip,
    port,
    close: () => {
      server.kill();
      exec('ip', ['-n', REAL_NODE.netns, 'link', 'del', 'sbk-inet']);
      exec('ip', ['netns', 'del', ns]);
    },
  };
}

export { kubectl };
