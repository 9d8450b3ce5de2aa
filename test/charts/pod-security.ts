/** Checks of the restricted Pod Security profile, plus our own stricter rules, on one pod spec. */
export function restrictedViolations(where: string, pod: any): string[] {
  const problems: string[] = [];
  const podCtx = pod.securityContext ?? {};
  for (const flag of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[flag]) problems.push(`${where}: ${flag} is set`);
  for (const v of pod.volumes ?? []) {
    const kinds = Object.keys(v).filter((k) => k !== 'name');
    const allowed = [
      'configMap',
      'emptyDir',
      'secret',
      'projected',
      'persistentVolumeClaim',
      'downwardAPI',
      'ephemeral',
      'csi',
    ];
    if (!kinds.every((k) => allowed.includes(k))) problems.push(`${where}: volume ${v.name} uses ${kinds.join(', ')}`);
  }
  const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
  for (const c of containers) {
    const ctx = c.securityContext ?? {};
    const at = `${where} container ${c.name}`;
    if (ctx.privileged) problems.push(`${at}: privileged`);
    if (ctx.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
    if (!(ctx.runAsNonRoot ?? podCtx.runAsNonRoot)) problems.push(`${at}: runAsNonRoot is not true`);
    if ((ctx.runAsUser ?? podCtx.runAsUser) === 0) problems.push(`${at}: runs as user 0`);
    const seccomp = ctx.seccompProfile?.type ?? podCtx.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
      problems.push(`${at}: seccompProfile is ${seccomp ?? 'unset'}`);
    if (!(ctx.capabilities?.drop ?? []).includes('ALL')) problems.push(`${at}: does not drop ALL capabilities`);
    const added = (ctx.capabilities?.add ?? []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
    if (added.length) problems.push(`${at}: adds capabilities ${added.join(', ')}`);
    if (ctx.readOnlyRootFilesystem !== true) problems.push(`${at}: root filesystem is writable`);
    for (const kind of ['requests', 'limits']) {
      for (const res of ['cpu', 'memory']) if (!c.resources?.[kind]?.[res]) problems.push(`${at}: no ${kind}.${res}`);
    }
  }
  return problems;
}

/** The pod spec inside a workload object, if it has one. */
export function podSpecOf(obj: any): any | undefined {
  switch (obj.kind) {
    case 'Pod':
      return obj.spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return obj.spec?.template?.spec;
    case 'CronJob':
      return obj.spec?.jobTemplate?.spec?.template?.spec;
    default:
      return undefined;
  }
}
