import { spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { tempDir } from '../fixtures';

const CHART = join(__dirname, '..', '..', 'charts', 'instance-reaper');
const SCRIPT = join(CHART, 'files', 'reap.sh');
const ZONES = join(CHART, 'files', 'zones.tab');

interface Workload {
  readonly kind: 'deployment' | 'statefulset';
  readonly name: string;
  readonly replicas: number;
  /** Text its owner wrote into the object after its name. */
  readonly padding?: string;
}

interface Namespace {
  readonly name: string;
  readonly phase?: 'Active' | 'Terminating';
  readonly expires?: string;
  readonly hours?: string;
  /** sandbox.dev/stopped, as `sandboxkit instance stop` sets it. */
  readonly stopped?: string;
  /** The sandbox.dev/protected label. */
  readonly protected?: boolean;
  readonly workloads?: readonly Workload[];
  /** metadata.creationTimestamp. @default a week before MONDAY_NOON */
  readonly created?: string;
  /** sandbox.dev/last-applied-at, as the CLI sets it after an apply. */
  readonly applied?: string;
  /** sandbox.dev/idle-hours, as Terraform sets it from the instance's idleHours. */
  readonly idleHours?: string;
  /** CloudNativePG Clusters, with their cnpg.io/hibernation annotation. */
  readonly databases?: readonly { readonly name: string; readonly hibernation?: string }[];
}

interface Cluster {
  readonly namespaces: readonly Namespace[];
  /** Replicas the reaper saved before, by `<namespace>.<kind>.<name>`. */
  readonly saved?: Readonly<Record<string, number>>;
  /** Shell patterns of kubectl arguments that fail, as a 409 or a lost connection would. */
  readonly failing?: readonly string[];
  /** The reaper's clock. @default MONDAY_NOON */
  readonly now?: string;
  readonly dryRun?: boolean;
  /** The chart's idle.hours and idle.prometheusUrl. */
  readonly idle?: {
    readonly hours: number;
    readonly prometheusUrl?: string;
    readonly proxyNamespace?: string;
    readonly proxyJob?: string;
  };
  /** Prometheus's answer for the requests of a namespace: a count, no data, or down (wget fails). */
  readonly requests?: Readonly<Record<string, number | 'no-data' | 'down'>>;
  /** Namespaces whose every API call takes a second. */
  readonly slow?: readonly string[];
  /** The reaper's NAMESPACE_SECONDS. @default the script's */
  readonly namespaceSeconds?: number;
  /** The cluster serves no CloudNativePG API (the operator is not installed). */
  readonly withoutCloudNativePg?: boolean;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** kubectl calls that change something (everything but `get`), without the request timeout every call carries. */
  readonly changes: string[];
  /** kubectl calls that read, likewise. */
  readonly reads: string[];
  /** Every kubectl call in order, likewise. */
  readonly calls: string[];
  /** kubectl calls without the request timeout. */
  readonly unbounded: string[];
  /** The arguments of each Prometheus request (wget). */
  readonly queries: string[];
}

const MONDAY_NOON = '2026-11-23T12:00:00Z';
const WEEK_BEFORE = '2026-11-16T12:00:00Z';
const epoch = (iso: string) => String(Date.parse(iso) / 1000);

/**
 * A one-item page of a Deployment or StatefulSet list as the API server writes it: the list's metadata (with the
 * continue token of the next page), then the item, whose metadata starts with its name. `padding` stands for what an
 * owner writes into the rest of the object.
 */
function listPage(kind: Workload['kind'], items: readonly Workload[], i: number): string {
  const w = items[i];
  const next = i + 1 < items.length ? `,"continue":"c${i + 1}","remainingItemCount":${items.length - i - 1}` : '';
  return (
    JSON.stringify({
      kind: kind === 'deployment' ? 'DeploymentList' : 'StatefulSetList',
      apiVersion: 'apps/v1',
      metadata: { resourceVersion: '1' },
      items: [
        {
          metadata: { name: w.name, namespace: 'ns', annotations: { padding: w.padding ?? '' } },
          spec: { replicas: w.replicas },
        },
      ],
    }).replace('"resourceVersion":"1"}', `"resourceVersion":"1"${next}}`) + '\n'
  );
}

/** Runs the reaper script against a stand-in kubectl that answers from `cluster` and records every call. */
function reap(cluster: Cluster): Run {
  const dir = tempDir('reaper-');
  const log = join(dir, 'calls.log');
  writeFileSync(
    join(dir, 'namespaces'),
    cluster.namespaces
      .map(
        (n) =>
          `${n.name}|${n.phase ?? 'Active'}|${n.expires ?? ''}|${n.hours ?? ''}|${n.stopped ?? ''}|${n.protected ? 'true' : ''}|${n.created ?? WEEK_BEFORE}|${n.applied ?? ''}|${n.idleHours ?? ''}\n`,
      )
      .join(''),
  );
  // A stand-in wget that answers the Prometheus query API for the namespace named in the (encoded) query.
  const answers = Object.entries(cluster.requests ?? {})
    .map(([ns, r]) =>
      r === 'down'
        ? `  *httproute%2F${ns}%2F*) echo "wget: can't connect to remote host: Connection refused" >&2; exit 1;;`
        : `  *httproute%2F${ns}%2F*) echo '{"status":"success","data":{"resultType":"vector","result":[${r === 'no-data' ? '' : `{"metric":{},"value":[1,"${r}"]}`}]}}';;`,
    )
    .join('\n');
  writeFileSync(
    join(dir, 'wget'),
    `#!/bin/sh\nprintf "%s\\n" "$*" >> ${dir}/wget.log\ncase "$*" in\n${answers}\n  *) echo "wget: server returned error: HTTP/1.1 404" >&2; exit 1;;\nesac\n`,
  );
  chmodSync(join(dir, 'wget'), 0o755);
  writeFileSync(
    join(dir, 'state'),
    Object.entries(cluster.saved ?? {})
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  mkdirSync(join(dir, 'pages'));
  mkdirSync(join(dir, 'scale'));
  mkdirSync(join(dir, 'hibernation'));
  mkdirSync(join(dir, 'clusters'));
  for (const ns of cluster.namespaces) {
    for (const kind of ['deployment', 'statefulset'] as const) {
      const items = (ns.workloads ?? []).filter((w) => w.kind === kind);
      items.forEach((w, i) => {
        writeFileSync(
          join(dir, 'pages', `${ns.name}.${kind}.${i === 0 ? 'start' : `c${i}`}`),
          listPage(kind, items, i),
        );
        writeFileSync(join(dir, 'scale', `${ns.name}.${kind}.${w.name}`), w.replicas === 0 ? '' : String(w.replicas));
      });
    }
    const databases = ns.databases ?? [];
    writeFileSync(join(dir, 'clusters', ns.name), databases.map((d) => `${d.name} `).join(''));
    for (const d of databases) writeFileSync(join(dir, 'hibernation', `${ns.name}.${d.name}`), d.hibernation ?? '');
  }
  const failing = (cluster.failing ?? [])
    .map((p) => `  ${p}) echo "Error from server (Conflict): simulated failure of $*" >&2; exit 1;;`)
    .join('\n');
  const slow = (cluster.slow ?? []).map((ns) => `  *"/namespaces/${ns}/"*) sleep 1;;`).join('\n');
  const kubectl = join(dir, 'kubectl');
  // Answers like the API server: one-item list pages (the list's metadata, then the item), scale subresources.
  writeFileSync(
    kubectl,
    `#!/bin/sh
printf "%s\\n" "$*" >> ${log}
case "$*" in
${failing}
  *) ;;
esac
case "$*" in
${slow}
  *) ;;
esac
case "$1 $2" in
  "get namespaces") cat ${dir}/namespaces;;
  "get configmap") cat ${dir}/state;;
  "get --raw")
    if [ "$3" = /apis/postgresql.cnpg.io/v1 ]; then ${cluster.withoutCloudNativePg ? 'echo "Error from server (NotFound): the server could not find the requested resource" >&2; exit 1' : 'echo "{}"; exit 0'}; fi
    ns=$(echo "$3" | sed 's#.*/namespaces/\\([^/]*\\)/.*#\\1#')
    kind=$(echo "$3" | sed 's#.*/namespaces/[^/]*/\\([a-z]*\\)s?.*#\\1#')
    token=$(echo "$3" | sed -n 's#.*continue=##p')
    page="${dir}/pages/$ns.$kind.\${token:-start}"
    if [ -f "$page" ]; then cat "$page"; else echo '{"kind":"DeploymentList","apiVersion":"apps/v1","metadata":{"resourceVersion":"1"},"items":[]}'; fi;;
  "get deployment"|"get statefulset") cat "${dir}/scale/$5.$2.$3";;
  "get clusters.postgresql.cnpg.io") if [ "$3" = -n ]; then cat "${dir}/clusters/$4"; else cat "${dir}/hibernation/$5.$3"; fi;;
esac
exit 0
`,
  );
  chmodSync(kubectl, 0o755);
  const result = spawnSync('sh', [SCRIPT], {
    encoding: 'utf8',
    env: {
      PATH: `${dir}:/usr/bin:/bin`,
      DRY_RUN: String(cluster.dryRun ?? false),
      INSTANCE_LABEL: 'sandbox.dev/instance',
      STATE_NAMESPACE: 'sandbox-platform',
      STATE_CONFIGMAP: 'instance-reaper-state',
      ZONES,
      REAPER_NOW: epoch(cluster.now ?? MONDAY_NOON),
      IDLE_HOURS: String(cluster.idle?.hours ?? 0),
      PROMETHEUS_URL: cluster.idle?.prometheusUrl ?? '',
      PROXY_NAMESPACE: cluster.idle?.proxyNamespace ?? '',
      PROXY_JOB: cluster.idle?.proxyJob ?? '',
      REQUEST_TIMEOUT: '7s',
      ...(cluster.namespaceSeconds ? { NAMESPACE_SECONDS: String(cluster.namespaceSeconds) } : {}),
    },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
  const queries = existsSync(join(dir, 'wget.log'))
    ? readFileSync(join(dir, 'wget.log'), 'utf8').trim().split('\n').filter(Boolean)
    : [];
  const bounded = calls.map((c) => c.replace(/ --request-timeout=7s$/, ''));
  return {
    unbounded: calls.filter((c, i) => bounded[i] === c),
    calls: bounded,
    reads: bounded.filter((c) => c.startsWith('get ')),
    code: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
    changes: bounded.filter((c) => !c.startsWith('get ')),
    queries,
  };
}

const STATE = '-n sandbox-platform';
const remember = (key: string, replicas: number) =>
  `patch configmap instance-reaper-state ${STATE} --type merge -p {"data":{"${key}":"${replicas}"}}`;
const forget = (key: string) =>
  `patch configmap instance-reaper-state ${STATE} --type json -p [{"op":"remove","path":"/data/${key}"}]`;

/** Whether the reaper considers `now` inside `hours`: inside, it wakes a sleeping deployment. */
function awakeAt(hours: string, now: string): boolean {
  const run = reap({
    now,
    namespaces: [{ name: 'probe', hours, workloads: [{ kind: 'deployment', name: 'web', replicas: 0 }] }],
    saved: { 'probe.deployment.web': 1 },
  });
  expect({ hours, now, code: run.code, stderr: run.stderr }).toEqual({ hours, now, code: 0, stderr: '' });
  return run.changes.includes('scale deployment/web -n probe --replicas=1');
}

describe('instance reaper script', () => {
  describe('expiry', () => {
    it('deletes namespaces whose expiry has passed, at the second, and leaves the others', () => {
      const run = reap({
        namespaces: [
          { name: 'old', expires: '2000-01-01T00:00:00Z' },
          { name: 'due', expires: MONDAY_NOON },
          { name: 'next-second', expires: '2026-11-23T12:00:01Z' },
          { name: 'no-expiry' },
        ],
      });
      expect(run.changes).toEqual(['delete namespace old --wait=false', 'delete namespace due --wait=false']);
      expect(run.code).toBe(0);
    });

    it('never deletes a protected namespace, even with a past expiry, and still applies its working hours', () => {
      const run = reap({
        namespaces: [
          {
            name: 'staging',
            protected: true,
            expires: '2000-01-01T00:00:00Z',
            hours: 'Mon-Fri 13:00-19:00 UTC',
            workloads: [{ kind: 'deployment', name: 'web', replicas: 2 }],
          },
          { name: 'preview', expires: '2000-01-01T00:00:00Z' },
        ],
      });
      expect(run.changes).toEqual([
        'delete namespace preview --wait=false',
        remember('staging.deployment.web', 2),
        'scale deployment/web -n staging --replicas=0',
      ]);
      expect(run.stdout).toMatch(/staging is protected, it does not expire/);
      expect(run.code).toBe(0);
    });

    it('reads offsets and fractions of RFC 3339', () => {
      const run = reap({
        namespaces: [
          { name: 'east', expires: '2026-11-23T13:59:59.999+02:00' },
          { name: 'west', expires: '2026-11-23T07:00:01-05:00' },
        ],
      });
      expect(run.changes).toEqual(['delete namespace east --wait=false']);
    });

    it.each([
      '1999-12-31T23:59:59Z',
      '2000-02-29T12:00:00Z',
      '2024-02-29T00:00:00Z',
      '2024-03-01T00:00:00Z',
      '2026-01-01T00:00:00Z',
      '2026-12-31T23:59:59Z',
      '2038-01-19T03:14:08Z',
      '2100-03-01T00:00:00Z',
    ])('computes the same instant as the JavaScript clock for %s', (instant) => {
      const next = new Date(Date.parse(instant) + 1000).toISOString().replace('.000', '');
      const run = reap({
        now: instant,
        namespaces: [
          { name: 'at', expires: instant },
          { name: 'after', expires: next },
        ],
      });
      expect(run.changes).toEqual(['delete namespace at --wait=false']);
    });

    it('reports an expiry it cannot read, goes on, and fails the run', () => {
      const run = reap({
        namespaces: [
          { name: 'garbled', expires: 'tomorrow' },
          { name: 'month-13', expires: '2026-13-01T00:00:00Z' },
          { name: 'old', expires: '2000-01-01T00:00:00Z' },
        ],
      });
      expect(run.stderr).toMatch(/garbled: cannot read sandbox.dev\/expires-at "tomorrow" \(expected RFC 3339/);
      expect(run.stderr).toMatch(/month-13: cannot read sandbox.dev\/expires-at/);
      expect(run.changes).toEqual(['delete namespace old --wait=false']);
      expect(run.code).not.toBe(0);
    });

    it('goes on after a failed delete and fails the run at the end', () => {
      const run = reap({
        namespaces: [
          { name: 'stuck', expires: '2000-01-01T00:00:00Z' },
          { name: 'old', expires: '2000-01-01T00:00:00Z' },
        ],
        failing: ['"delete namespace stuck "*'],
      });
      expect(run.changes).toEqual(['delete namespace stuck --wait=false', 'delete namespace old --wait=false']);
      expect(run.stderr).toMatch(/reaper: ERROR: stuck: delete failed/);
      expect(run.stderr).toMatch(/1 problem\(s\)/);
      expect(run.code).not.toBe(0);
    });

    it('leaves namespaces that are already being deleted alone', () => {
      const run = reap({
        namespaces: [
          {
            name: 'going',
            phase: 'Terminating',
            expires: '2000-01-01T00:00:00Z',
            hours: 'Mon-Sun 00:00-00:00 Etc/UTC',
          },
        ],
      });
      expect(run.changes).toEqual([]);
      expect(run.stdout).toMatch(/going is already being deleted/);
      expect(run.code).toBe(0);
    });

    it('fails when it cannot list the instance namespaces', () => {
      const run = reap({
        namespaces: [{ name: 'old', expires: '2000-01-01T00:00:00Z' }],
        failing: ['"get namespaces "*'],
      });
      expect(run.stderr).toMatch(/cannot list the namespaces labelled sandbox.dev\/instance/);
      expect(run.changes).toEqual([]);
      expect(run.code).not.toBe(0);
    });
  });

  describe('working hours', () => {
    it('scales workloads to zero outside working hours, remembering their replicas in its own ConfigMap', () => {
      const run = reap({
        namespaces: [
          {
            name: 'sleepy',
            expires: '2999-01-01T00:00:00Z',
            hours: 'Mon-Fri 07:00-08:00 Etc/UTC',
            workloads: [
              { kind: 'deployment', name: 'web', replicas: 2 },
              { kind: 'statefulset', name: 'db', replicas: 0 },
            ],
          },
        ],
      });
      expect(run.changes).toEqual([
        remember('sleepy.deployment.web', 2),
        'scale deployment/web -n sleepy --replicas=0',
      ]);
      expect(run.code).toBe(0);
    });

    it('wakes workloads inside working hours to the replicas they had, and forgets them', () => {
      const run = reap({
        namespaces: [
          {
            name: 'awake',
            hours: 'Mon-Fri 07:00-19:00 Etc/UTC',
            workloads: [
              { kind: 'statefulset', name: 'db', replicas: 0 },
              { kind: 'deployment', name: 'web', replicas: 1 },
            ],
          },
        ],
        saved: { 'awake.statefulset.db': 3 },
      });
      expect(run.changes).toEqual(['scale statefulset/db -n awake --replicas=3', forget('awake.statefulset.db')]);
    });

    it('hibernates CloudNativePG clusters outside working hours and wakes those it hibernated inside them', () => {
      const night = reap({
        namespaces: [
          {
            name: 'sleepy',
            hours: 'Mon-Fri 07:00-08:00 Etc/UTC',
            databases: [{ name: 'postgresql' }, { name: 'kept', hibernation: 'on' }],
          },
        ],
      });
      expect(night.changes).toEqual([
        `patch configmap instance-reaper-state ${STATE} --type merge -p {"data":{"sleepy.cluster.postgresql":"hibernated"}}`,
        'annotate clusters.postgresql.cnpg.io postgresql -n sleepy --overwrite cnpg.io/hibernation=on',
      ]);
      expect({ code: night.code, stderr: night.stderr }).toEqual({ code: 0, stderr: '' });
      const day = reap({
        namespaces: [
          {
            name: 'awake',
            hours: 'Mon-Fri 07:00-19:00 Etc/UTC',
            databases: [
              { name: 'postgresql', hibernation: 'on' },
              { name: 'owner-hibernated', hibernation: 'on' },
            ],
          },
        ],
        saved: { 'awake.cluster.postgresql': 1 },
      });
      expect(day.changes).toEqual([
        'annotate clusters.postgresql.cnpg.io postgresql -n awake cnpg.io/hibernation-',
        forget('awake.cluster.postgresql'),
      ]);
    });

    it('leaves clusters without the CloudNativePG API alone, without failing', () => {
      const run = reap({
        withoutCloudNativePg: true,
        namespaces: [{ name: 'sleepy', hours: 'Mon-Fri 07:00-08:00 Etc/UTC', databases: [{ name: 'postgresql' }] }],
      });
      expect({ code: run.code, stderr: run.stderr, changes: run.changes }).toEqual({
        code: 0,
        stderr: '',
        changes: [],
      });
    });

    it('does not wake a namespace that `instance stop` stopped, inside working hours, and keeps its saved replicas', () => {
      const run = reap({
        namespaces: [
          {
            name: 'held',
            hours: 'Mon-Fri 07:00-19:00 Etc/UTC',
            stopped: '2026-11-23T10:00:00Z',
            workloads: [{ kind: 'statefulset', name: 'db', replicas: 0 }],
          },
        ],
        saved: { 'held.statefulset.db': 3 },
      });
      expect(run.changes).toEqual([]);
      expect(run.stdout).toMatch(/held is stopped since 2026-11-23T10:00:00Z/);
      expect(run.code).toBe(0);
    });

    it('still deletes a stopped namespace once it has expired', () => {
      const run = reap({
        namespaces: [
          {
            name: 'held',
            expires: '2026-11-23T11:00:00Z',
            hours: 'Mon-Fri 07:00-19:00 Etc/UTC',
            stopped: '2026-11-23T10:00:00Z',
          },
        ],
      });
      expect(run.changes).toEqual(['delete namespace held --wait=false']);
    });

    it('leaves a workload running when it cannot remember its replicas', () => {
      const run = reap({
        namespaces: [
          {
            name: 'sleepy',
            hours: 'Mon-Fri 07:00-08:00 Etc/UTC',
            workloads: [{ kind: 'deployment', name: 'web', replicas: 2 }],
          },
        ],
        failing: ['"patch configmap "*'],
      });
      expect(run.changes).toEqual([remember('sleepy.deployment.web', 2)]);
      expect(run.stderr).toMatch(/sleepy\/deployment\/web: cannot remember its 2 replicas, left running/);
      expect(run.code).not.toBe(0);
    });

    it.each([
      ['Mon-Fri 22:00-06:00 Etc/UTC', '2026-11-23T23:00:00Z', true],
      ['Mon-Fri 22:00-06:00 Etc/UTC', '2026-11-24T05:59:00Z', true],
      ['Mon-Fri 22:00-06:00 Etc/UTC', '2026-11-28T05:00:00Z', true],
      ['Mon-Fri 22:00-06:00 Etc/UTC', '2026-11-23T05:00:00Z', false],
      ['Mon-Fri 22:00-06:00 Etc/UTC', '2026-11-24T06:00:00Z', false],
      ['Mon-Fri 22:00-06:00 Etc/UTC', '2026-11-23T12:00:00Z', false],
      ['Sun-Sat 08:00-18:00 Etc/UTC', '2026-11-25T12:00:00Z', true],
      ['Sun-Sat 08:00-18:00 Etc/UTC', '2026-11-25T18:00:00Z', false],
      ['Fri-Mon 08:00-18:00 Etc/UTC', '2026-11-29T12:00:00Z', true],
      ['Fri-Mon 08:00-18:00 Etc/UTC', '2026-11-25T12:00:00Z', false],
      ['Sat-Sun 22:00-02:00 Etc/UTC', '2026-11-23T01:00:00Z', true],
      ['Mon-Sun 00:00-00:00 Etc/UTC', '2026-11-23T12:00:00Z', false],
    ])('reads "%s" at %s as inside: %s', (hours, now, inside) => {
      expect(awakeAt(hours, now)).toBe(inside);
    });

    it.each([
      ['Mon-Fri 07:00-19:00 Europe/Berlin', '2026-07-01T05:30:00Z', true],
      ['Mon-Fri 07:00-19:00 Europe/Berlin', '2026-01-07T06:30:00Z', true],
      ['Mon-Fri 07:00-19:00 Europe/Berlin', '2026-01-07T05:30:00Z', false],
      ['Mon-Fri 09:00-17:00 America/New_York', '2026-11-23T13:30:00Z', false],
      ['Mon-Fri 09:00-17:00 America/New_York', '2026-11-23T14:30:00Z', true],
      ['Mon-Fri 09:00-17:00 Asia/Kolkata', '2026-11-23T03:45:00Z', true],
      ['Mon-Fri 09:00-17:00 Pacific/Auckland', '2026-11-22T21:00:00Z', true],
    ])('keeps "%s" in local time at %s (inside: %s)', (hours, now, inside) => {
      expect(awakeAt(hours, now)).toBe(inside);
    });

    it.each([
      'Mon-Fri 07:00-19:00 Mars/Olympus',
      'Mon-Xyz 07:00-19:00 Etc/UTC',
      'Mon-Fri 7:00-19:00 Etc/UTC',
      'weekdays',
    ])('reports working hours it cannot read ("%s") and changes nothing there', (hours) => {
      const run = reap({
        namespaces: [{ name: 'odd', hours, workloads: [{ kind: 'deployment', name: 'web', replicas: 2 }] }],
      });
      expect(run.stderr).toMatch(/odd: cannot read sandbox.dev\/working-hours/);
      expect(run.changes).toEqual([]);
      expect(run.code).not.toBe(0);
    });

    it('still deletes expired namespaces when the saved replicas cannot be read, and fails the run', () => {
      const run = reap({
        namespaces: [
          { name: 'old', expires: '2000-01-01T00:00:00Z' },
          {
            name: 'sleepy',
            hours: 'Mon-Fri 07:00-08:00 Etc/UTC',
            workloads: [{ kind: 'deployment', name: 'web', replicas: 2 }],
          },
        ],
        failing: ['"get configmap "*'],
      });
      expect(run.changes).toEqual(['delete namespace old --wait=false']);
      expect(run.stderr).toMatch(/sleepy: working hours skipped/);
      expect(run.code).not.toBe(0);
    });

    it('drops replicas saved for namespaces that are gone or going', () => {
      const run = reap({
        namespaces: [
          { name: 'going', phase: 'Terminating' },
          { name: 'here', hours: 'Mon-Fri 07:00-19:00 Etc/UTC' },
        ],
        saved: { 'gone.deployment.web': 2, 'going.statefulset.db': 1, 'here.deployment.api': 1 },
      });
      expect(run.changes).toEqual([forget('gone.deployment.web'), forget('going.statefulset.db')]);
    });
  });

  describe('hostile namespaces', () => {
    const OUTSIDE = 'Mon-Fri 07:00-08:00 Etc/UTC';
    // What an owner writes after a workload's name, made to look like list metadata and other items.
    const bait = `"},"items":[{"metadata":{"name":"victim-web"}}],"metadata":{"continue":"c1"} ]}\n{"kind":"DeploymentList"`;
    const many = (n: number, size: number): Workload[] =>
      Array.from({ length: n }, (_, i) => ({
        kind: i % 4 ? 'deployment' : 'statefulset',
        name: `w${i}`,
        replicas: 1,
        padding: bait.repeat(Math.ceil(size / bait.length)),
      }));
    const victims: Namespace[] = [
      { name: 'victim-old', expires: '2000-01-01T00:00:00Z' },
      { name: 'victim-web', hours: OUTSIDE, workloads: [{ kind: 'deployment', name: 'web', replicas: 2 }] },
    ];
    const slept = (run: Run, ns: string) =>
      run.changes.filter((c) => c.startsWith('scale ') && c.includes(` -n ${ns} `)).map((c) => c.split(' ')[1]);

    it('visits many large workloads one at a time through one-item pages and scale subresources, and reaps the victims after them', () => {
      const hostile = many(40, 20000);
      const run = reap({ namespaces: [{ name: 'aaa-hostile', hours: OUTSIDE, workloads: hostile }, ...victims] });
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(slept(run, 'aaa-hostile').sort()).toEqual(hostile.map((w) => `${w.kind}/${w.name}`).sort());
      expect(slept(run, 'victim-web')).toEqual(['deployment/web']);
      expect(run.changes).toContain('delete namespace victim-old --wait=false');
      const workloadReads = run.reads.filter((r) => !/^get (namespaces|configmap) /.test(r));
      // Besides one-item pages and scale subresources: per namespace, a discovery request for CloudNativePG's API and
      // the names of its Clusters, which owners cannot create.
      expect(
        workloadReads.filter(
          (r) =>
            !/^get --raw \S+s\?limit=1(&continue=\S+)? *$|--subresource=scale |^get --raw \/apis\/postgresql\.cnpg\.io\/v1 *$|^get clusters\.postgresql\.cnpg\.io -n \S+ -o jsonpath=\{range \.items\[\*\]\}\{\.metadata\.name\}/.test(
              r,
            ),
        ),
      ).toEqual([]);
      // A page per workload and the empty last page of each kind, then the discovery of each namespace.
      expect(workloadReads.filter((r) => r.startsWith('get --raw')).length).toBe(hostile.length + 2 + 2);
    });

    it('settles every expiry before it reads any workload', () => {
      const run = reap({
        namespaces: [
          { name: 'aaa-hostile', hours: OUTSIDE, workloads: many(5, 100) },
          ...victims,
          { name: 'zzz-old', expires: '2000-01-01T00:00:00Z' },
        ],
      });
      const lastDelete = run.calls.map((c) => c.startsWith('delete namespace')).lastIndexOf(true);
      expect(run.calls.filter((c) => c.startsWith('delete namespace'))).toEqual([
        'delete namespace victim-old --wait=false',
        'delete namespace zzz-old --wait=false',
      ]);
      expect(run.calls.findIndex((c) => c.startsWith('get --raw'))).toBeGreaterThan(lastDelete);
    });

    it('reports a namespace whose API calls fail and still handles the namespaces after it', () => {
      const run = reap({
        namespaces: [{ name: 'aaa-broken', hours: OUTSIDE, workloads: many(3, 10) }, ...victims],
        failing: ['*"/namespaces/aaa-broken/"*'],
      });
      expect(run.stderr).toMatch(
        /aaa-broken: cannot list deployments: Error from server \(Conflict\): simulated failure/,
      );
      expect(run.stderr).toMatch(/aaa-broken: cannot list statefulsets: Error from server/);
      expect(slept(run, 'victim-web')).toEqual(['deployment/web']);
      expect(run.changes).toContain('delete namespace victim-old --wait=false');
      expect(run.code).not.toBe(0);
    });

    it('gives up on a namespace after its time and goes on with the next', () => {
      const run = reap({
        namespaces: [{ name: 'aaa-slow', hours: OUTSIDE, workloads: many(30, 10) }, ...victims],
        slow: ['aaa-slow'],
        namespaceSeconds: 2,
      });
      expect(run.stderr).toMatch(/aaa-slow: working hours left unfinished after 2s/);
      expect(slept(run, 'aaa-slow').length).toBeLessThan(30);
      expect(slept(run, 'victim-web')).toEqual(['deployment/web']);
      expect(run.code).not.toBe(0);
    });

    it('bounds every kubectl call with a request timeout', () => {
      const run = reap({
        namespaces: [{ name: 'aaa-hostile', hours: OUTSIDE, workloads: many(3, 10) }, ...victims],
        saved: { 'gone.deployment.web': 1 },
      });
      expect(run.reads.length + run.changes.length).toBeGreaterThan(10);
      expect(run.unbounded).toEqual([]);
    });
  });

  it('changes nothing in dry-run mode and says what it would do', () => {
    const run = reap({
      dryRun: true,
      namespaces: [
        { name: 'old', expires: '2000-01-01T00:00:00Z' },
        {
          name: 'sleepy',
          hours: 'Mon-Fri 07:00-08:00 Etc/UTC',
          workloads: [{ kind: 'deployment', name: 'web', replicas: 2 }],
        },
      ],
    });
    expect(run.changes).toEqual([]);
    expect(run.stdout).toMatch(/dry-run: kubectl delete namespace old/);
    expect(run.stdout).toMatch(/dry-run: kubectl scale deployment\/web -n sleepy --replicas=0/);
  });
});

describe('reaper time zones', () => {
  const table = new Map(
    readFileSync(ZONES, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(' ') as [string, string]),
  );

  it('has a rule for every time zone the JavaScript runtime knows', () => {
    expect(Intl.supportedValuesOf('timeZone').filter((z) => !table.has(z))).toEqual([]);
  });

  it.each([
    'Europe/Berlin',
    'Europe/Tallinn',
    'America/New_York',
    'America/Sao_Paulo',
    'Asia/Tokyo',
    'Asia/Kolkata',
    'Australia/Sydney',
    'Etc/UTC',
  ])('gives %s the same local weekday and time as the runtime, winter and summer', (zone) => {
    for (const iso of ['2026-01-15T10:20:00Z', '2026-07-15T22:50:00Z']) {
      const local = spawnSync('date', ['-d', `@${epoch(iso)}`, '+%a %H:%M'], {
        env: { TZ: table.get(zone)! },
        encoding: 'utf8',
      }).stdout.trim();
      const expected = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(iso));
      expect({ zone, iso, local }).toEqual({ zone, iso, local: expected.replace(',', '') });
    }
  });

  describe('idle instances', () => {
    const PROM = 'http://prometheus.test:9090';
    const idle = { hours: 24, prometheusUrl: PROM };
    const deleted = (run: Run) =>
      run.changes.filter((c) => c.startsWith('delete namespace')).map((c) => c.split(' ')[2]);

    it('deletes an instance with no apply and no request for the idle hours, and keeps one with requests', () => {
      const run = reap({
        idle,
        namespaces: [
          { name: 'quiet', expires: '2026-12-01T00:00:00Z' },
          { name: 'busy', expires: '2026-12-01T00:00:00Z' },
        ],
        requests: { quiet: 0, busy: 3 },
      });
      expect(deleted(run)).toEqual(['quiet']);
      expect(run.stdout).toMatch(/quiet is idle: no apply since 2026-11-16T12:00:00Z and no request in the last 24h/);
      expect(run.stdout).toMatch(/busy is in use: 3 request\(s\) in the last 24h/);
      expect(run.code).toBe(0);
    });

    it("asks Prometheus for the increase of Envoy's upstream requests of the namespace's routes, only when covered by data from the window's start", () => {
      const run = reap({ idle, namespaces: [{ name: 'quiet' }], requests: { quiet: 0 } });
      expect(run.queries).toHaveLength(1);
      const url = new URL(run.queries[0].split(' ').find((a) => a.startsWith(PROM))!);
      expect(url.pathname).toBe('/api/v1/query');
      expect(url.searchParams.get('time')).toBe(epoch(MONDAY_NOON));
      expect(url.searchParams.get('query')).toBe(
        'sum(increase(envoy_cluster_upstream_rq_total{envoy_cluster_name=~"httproute/quiet/.+"}[24h])) and on() count(envoy_cluster_upstream_rq_total{envoy_cluster_name=~"httproute/quiet/.+"} offset 24h)',
      );
    });

    it("counts only the series the gateway's proxies export: their namespace and scrape job, the instance's routes", () => {
      const run = reap({
        idle: { ...idle, proxyNamespace: 'sandbox-gateway', proxyJob: 'monitoring/envoy-gateway-proxies' },
        namespaces: [{ name: 'quiet' }],
        requests: { quiet: 0 },
      });
      const url = new URL(run.queries[0].split(' ').find((a) => a.startsWith(PROM))!);
      const series =
        'envoy_cluster_upstream_rq_total{namespace="sandbox-gateway",job="monitoring/envoy-gateway-proxies",envoy_cluster_name=~"httproute/quiet/.+"}';
      expect(url.searchParams.get('query')).toBe(`sum(increase(${series}[24h])) and on() count(${series} offset 24h)`);
    });

    it('keeps an instance applied within the idle hours without asking Prometheus; the creation counts when no apply was stamped', () => {
      const run = reap({
        idle,
        namespaces: [
          { name: 'applied', applied: '2026-11-23T01:00:00Z' },
          { name: 'young', created: '2026-11-23T00:00:00Z' },
        ],
      });
      expect(run.changes).toEqual([]);
      expect(run.queries).toEqual([]);
      expect(run.code).toBe(0);
    });

    it('never reaps a protected or a stopped instance as idle', () => {
      const run = reap({
        idle,
        namespaces: [
          { name: 'staging', protected: true },
          { name: 'night', stopped: '2026-11-20T18:00:00Z' },
        ],
        requests: { staging: 0, night: 0 },
      });
      expect(run.changes).toEqual([]);
      expect(run.queries).toEqual([]);
    });

    it("follows the namespace's own idle hours: a number overrides the chart's, never opts out", () => {
      const run = reap({
        idle: { hours: 0, prometheusUrl: PROM },
        namespaces: [
          { name: 'short', idleHours: '2', applied: '2026-11-23T09:00:00Z' },
          { name: 'keep', idleHours: 'never' },
          { name: 'default' },
        ],
        requests: { short: 0, keep: 0, default: 0 },
      });
      expect(deleted(run)).toEqual(['short']);
      expect(run.queries.join(' ')).toMatch(/%5B2h%5D/);
      expect(run.code).toBe(0);
    });

    it('keeps every instance when Prometheus is unreachable or has no data, reports each, and fails the run', () => {
      const run = reap({
        idle,
        namespaces: [{ name: 'quiet' }, { name: 'new-prometheus' }, { name: 'old', expires: '2000-01-01T00:00:00Z' }],
        requests: { quiet: 'down', 'new-prometheus': 'no-data' },
      });
      expect(deleted(run)).toEqual(['old']);
      expect(run.stderr).toMatch(
        /quiet: no apply for 24h; Prometheus at http:\/\/prometheus.test:9090 did not answer: .*Connection refused; not reaped as idle/,
      );
      expect(run.stderr).toMatch(
        /new-prometheus: no apply for 24h; Prometheus holds no request counters of its routes over the last 24h; not reaped as idle/,
      );
      expect(run.code).not.toBe(0);
    });

    it('keeps an instance and fails the run when idle hours are set but no Prometheus, or the idle hours cannot be read', () => {
      const run = reap({ idle: { hours: 24 }, namespaces: [{ name: 'quiet' }, { name: 'odd', idleHours: 'soon' }] });
      expect(run.changes).toEqual([]);
      expect(run.stderr).toMatch(
        /quiet: no apply for 24h, but no Prometheus is configured to count its requests; not reaped as idle/,
      );
      expect(run.stderr).toMatch(/odd: cannot read sandbox.dev\/idle-hours "soon"/);
      expect(run.code).not.toBe(0);
    });

    it('reaps nothing as idle when idle reaping is off', () => {
      const run = reap({ namespaces: [{ name: 'quiet' }], requests: { quiet: 0 } });
      expect(run.changes).toEqual([]);
      expect(run.queries).toEqual([]);
      expect(run.code).toBe(0);
    });

    it('only reports an idle instance in dry-run mode', () => {
      const run = reap({ idle, dryRun: true, namespaces: [{ name: 'quiet' }], requests: { quiet: 0 } });
      expect(run.changes).toEqual([]);
      expect(run.stdout).toMatch(/dry-run: kubectl delete namespace quiet --wait=false/);
    });
  });
});

describe('instance reaper script in a pod', () => {
  /** Runs the script as a pod would, with a kubectl that records the kubeconfig it is given and fails. */
  function inPod(host: string): { kubeconfig: string; args: string } {
    const dir = tempDir('reaper-pod-');
    writeFileSync(
      join(dir, 'kubectl'),
      `#!/bin/sh\ncat "$KUBECONFIG" > ${dir}/seen; printf '%s' "$*" > ${dir}/args; exit 1\n`,
    );
    chmodSync(join(dir, 'kubectl'), 0o755);
    const run = spawnSync('sh', [SCRIPT], {
      encoding: 'utf8',
      env: {
        PATH: `${dir}:${process.env.PATH}`,
        TMPDIR: dir,
        KUBERNETES_SERVICE_HOST: host,
        KUBERNETES_SERVICE_PORT: '443',
        INSTANCE_LABEL: 'sandbox.dev/instance',
        STATE_NAMESPACE: 'sandbox-platform',
        STATE_CONFIGMAP: 'instance-reaper-state',
      },
    });
    expect(run.status).toBe(1);
    return { kubeconfig: readFileSync(join(dir, 'seen'), 'utf8'), args: readFileSync(join(dir, 'args'), 'utf8') };
  }

  // kubectl drops the in-cluster config when --request-timeout is given and calls localhost:8080 instead.
  it("hands kubectl a kubeconfig of the pod's service account, since every call bounds its time", () => {
    const { kubeconfig, args } = inPod('10.96.0.1');
    expect(args).toMatch(/ --request-timeout=20s$/);
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    expect(parse(kubeconfig)).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'in-cluster', cluster: { server: 'https://10.96.0.1:443', 'certificate-authority': `${sa}/ca.crt` } },
      ],
      users: [{ name: 'reaper', user: { tokenFile: `${sa}/token` } }],
      contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'reaper' } }],
      'current-context': 'in-cluster',
    });
    expect(parse(inPod('fd00:10:96::1').kubeconfig).clusters[0].cluster.server).toBe('https://[fd00:10:96::1]:443');
  });
});
