import { spawnSync } from 'child_process';
import { chmodSync, writeFileSync } from 'fs';
import { join } from 'path';
import { tempDir } from '../fixtures';

const ROOT = join(__dirname, '..', '..');

export interface ReaperRun {
  readonly kubeconfig: string | undefined;
  /** The reaper's service account, as `system:serviceaccount:<ns>:<name>`: kubectl acts as it. */
  readonly user: string;
  readonly label: string;
  readonly stateNamespace: string;
  readonly stateConfigMap: string;
  /** More of the script's environment (`REAPER_NOW`, `IDLE_HOURS`, ...). */
  readonly env?: Record<string, string>;
  /** Write the peak resident memory (KiB) of every kubectl the script runs into this file, one a line. */
  readonly peakMemoryLog?: string;
}

/** Runs the reaper's own script here, as the reaper's service account (no container runs on a kwok node). */
export function runReaperScript(r: ReaperRun): { code: number | null; stdout: string; stderr: string } {
  const bin = tempDir('reaper-bin-');
  const realKubectl = spawnSync('sh', ['-c', 'command -v kubectl'], {
    encoding: 'utf8',
    env: process.env,
  }).stdout.trim();
  writeFileSync(
    join(bin, 'kubectl'),
    r.peakMemoryLog
      ? // The child's own peak, as the kernel counts it; kubectl gets the default SIGPIPE back from subprocess.
        `#!/usr/bin/env python3
import resource, subprocess, sys
code = subprocess.call([${JSON.stringify(realKubectl)}, ${JSON.stringify(`--as=${r.user}`)}] + sys.argv[1:])
with open(${JSON.stringify(r.peakMemoryLog)}, 'a') as log:
    log.write('%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code if code >= 0 else 128 - code)
`
      : `#!/bin/sh\nexec ${realKubectl} --as=${r.user} "$@"\n`,
  );
  chmodSync(join(bin, 'kubectl'), 0o755);
  const run = spawnSync('sh', [join(ROOT, 'charts', 'instance-reaper', 'files', 'reap.sh')], {
    encoding: 'utf8',
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      KUBECONFIG: r.kubeconfig,
      HOME: process.env.HOME,
      DRY_RUN: 'false',
      INSTANCE_LABEL: r.label,
      STATE_NAMESPACE: r.stateNamespace,
      STATE_CONFIGMAP: r.stateConfigMap,
      ZONES: join(ROOT, 'charts', 'instance-reaper', 'files', 'zones.tab'),
      ...r.env,
    },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
