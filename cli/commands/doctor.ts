import { existsSync } from 'fs';
import type { ClusterConfig, SandboxConfig } from '../../config/types';
import type { CliContext } from '../context';
import { EXIT, green, red, yellow } from '../io';
import { checkApiServer, kubeconfigOf } from '../kube';
import { stateOf } from '../records';
import { table } from '../table';
import { NOT_FOUND, TOOL_ENV, toolBinary, type ToolName } from '../tools';

export interface Check {
  readonly check: string;
  readonly status: 'ok' | 'missing' | 'warning';
  /** The version found, when the tool ran. */
  readonly version?: string;
  readonly detail: string;
  readonly fix?: string;
}

/** `1.11.4` from any text that has a version in it. */
export function versionIn(text: string): string | undefined {
  return /(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}

/** Whether `version` is at least `min` (dotted numbers). */
export function atLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < b.length; i++) {
    if ((a[i] ?? 0) !== b[i]) return (a[i] ?? 0) > b[i];
  }
  return true;
}

interface ToolCheck {
  readonly tool: ToolName;
  readonly args: readonly string[];
  /** Oldest version that works, and why it is needed. */
  readonly min: string;
  readonly max?: string;
  readonly why: string;
  readonly install: string;
  /** A missing optional tool is a warning, not a failure. */
  readonly optional?: boolean;
  readonly parse?: (stdout: string) => string | undefined;
}

const TERRAFORM: ToolCheck = {
  tool: 'terraform',
  args: ['version', '-json'],
  min: '1.10',
  why: 'plans and applies every stack (1.10+ for S3-native state locking)',
  install: 'install Terraform or OpenTofu 1.10 or later',
  parse: (out) => {
    try {
      return (JSON.parse(out) as { terraform_version?: string }).terraform_version;
    } catch {
      return versionIn(out);
    }
  },
};
const HELM: ToolCheck = {
  tool: 'helm',
  args: ['version', '--short'],
  min: '3.8',
  max: '4',
  why: "`instance test` runs the releases' test hooks",
  install: 'install Helm 3',
  optional: true,
};
const KUBECTL: ToolCheck = {
  tool: 'kubectl',
  args: ['version', '--client', '-o', 'json'],
  min: '1.28',
  why: '`instance stop` and `instance start` scale the workloads of an instance',
  install: 'install kubectl (https://kubernetes.io/docs/tasks/tools/)',
  optional: true,
  parse: (out) => {
    try {
      return versionIn(
        (JSON.parse(out) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? '',
      );
    } catch {
      return versionIn(out);
    }
  },
};
const AWS: ToolCheck = {
  tool: 'aws',
  args: ['--version'],
  min: '2',
  why: 'EKS tokens for the Kubernetes and Helm providers (exec auth), and S3 state',
  install:
    'install the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html); v1 is end of support',
};
const AZ: ToolCheck = {
  tool: 'az',
  args: ['version', '--output', 'json'],
  min: '2.50',
  why: 'kubelogin signs in through the Azure CLI; azurerm state',
  install: 'install the Azure CLI',
  parse: (out) => {
    try {
      return (JSON.parse(out) as Record<string, string>)['azure-cli'];
    } catch {
      return versionIn(out);
    }
  },
};
const KUBELOGIN: ToolCheck = {
  tool: 'kubelogin',
  args: ['--version'],
  min: '0.1',
  why: 'Entra ID tokens for AKS (local accounts are off)',
  install: 'install kubelogin (az aks install-cli)',
};
const GCLOUD: ToolCheck = {
  tool: 'gcloud',
  args: ['--version'],
  min: '400',
  why: 'GCS state and GKE credentials',
  install: 'install the Google Cloud CLI',
};
const GKE_AUTH: ToolCheck = {
  tool: 'gke-gcloud-auth-plugin',
  args: ['--version'],
  min: '0.1',
  why: 'kubectl and helm test on GKE',
  install: 'gcloud components install gke-gcloud-auth-plugin',
  optional: true,
};

async function checkTool(ctx: CliContext, spec: ToolCheck): Promise<Check> {
  const binary = toolBinary(spec.tool, ctx.io.env);
  const result = await ctx.tools.run(spec.tool, spec.args);
  const status = spec.optional ? 'warning' : 'missing';
  if (result.code === NOT_FOUND || result.code !== 0) {
    return {
      check: spec.tool,
      status,
      detail: result.code === NOT_FOUND ? 'not found' : `${binary} does not run`,
      fix: `${spec.install}, or set ${TOOL_ENV[spec.tool]}; ${spec.why}`,
    };
  }
  const version = (spec.parse ?? versionIn)(`${result.stdout}\n${result.stderr}`.trim()) ?? 'unknown';
  if (version === 'unknown' || !atLeast(version, spec.min) || (spec.max && atLeast(version, spec.max))) {
    const range = spec.max ? `${spec.min} or later, below ${spec.max}` : `${spec.min} or later`;
    return {
      check: spec.tool,
      status,
      version,
      detail: `${binary} is ${version}; ${range} is needed`,
      fix: `${spec.install}; ${spec.why}`,
    };
  }
  return { check: spec.tool, status: 'ok', version, detail: binary };
}

function toolsFor(config: SandboxConfig): ToolCheck[] {
  const clouds = new Set(config.clusters.map((c) => c.cloud));
  const backends = new Set([...config.clusters.map((c) => stateOf(config, c).backend)]);
  const checks = [TERRAFORM, HELM, KUBECTL];
  if (clouds.has('aws') || backends.has('s3')) checks.push(AWS);
  if (clouds.has('azure') || backends.has('azurerm')) checks.push(AZ);
  if (clouds.has('azure')) checks.push(KUBELOGIN);
  if (clouds.has('gcp') || backends.has('gcs')) checks.push(GCLOUD);
  if (clouds.has('gcp')) checks.push(GKE_AUTH);
  return checks;
}

/**
 * The kubeconfig of an existing cluster (its path resolved from the config file's folder, as Terraform gets it) and
 * whether its API server answers `/version` with that kubeconfig and context.
 */
async function clusterChecks(ctx: CliContext, c: ClusterConfig): Promise<Check[]> {
  const kube = kubeconfigOf(ctx, c);
  if (!kube) return [];
  const where = `${kube.path}${kube.context ? ` (context ${kube.context})` : ''}`;
  if (!existsSync(kube.path))
    return [
      {
        check: `kubeconfig ${c.name}`,
        status: 'missing',
        detail: `${kube.path} does not exist`,
        fix: "create the cluster, or point clusters[].connection.path at its kubeconfig (a relative path is read from the config file's folder)",
      },
    ];
  const api = await checkApiServer(ctx, c);
  const file: Check = { check: `kubeconfig ${c.name}`, status: 'ok', detail: where };
  if (api.status === 'ok')
    return [
      file,
      {
        check: `api server ${c.name}`,
        status: 'ok',
        version: api.version?.replace(/^v/, ''),
        detail: 'answers /version',
      },
    ];
  if (api.status === 'no kubectl')
    return [
      file,
      {
        check: `api server ${c.name}`,
        status: 'warning',
        detail: 'not checked: kubectl is not installed',
        fix: 'install kubectl to check that the cluster answers',
      },
    ];
  return [
    file,
    {
      check: `api server ${c.name}`,
      status: 'missing',
      detail: `${api.server ?? 'the server'} does not answer: ${api.error}`,
      fix: `start the cluster, or fix clusters[].connection (context ${api.context ?? 'current'} of ${api.kubeconfig})`,
    },
  ];
}

/** Checks what deploying this config needs on this machine, with real versions, and says what to install. */
export async function doctor(ctx: CliContext): Promise<number> {
  const config = ctx.store.read();
  const checks: Check[] = [];
  for (const spec of toolsFor(config)) checks.push(await checkTool(ctx, spec));
  for (const c of config.clusters) checks.push(...(await clusterChecks(ctx, c)));
  const missing = checks.filter((c) => c.status === 'missing').length;
  if (ctx.json) {
    ctx.io.out(JSON.stringify({ ok: missing === 0, checks }));
    return missing > 0 ? EXIT.failed : EXIT.ok;
  }
  const mark = (s: Check['status']) =>
    s === 'ok' ? green(ctx.io, 'ok') : s === 'missing' ? red(ctx.io, 'missing') : yellow(ctx.io, 'warning');
  table(
    ctx.io,
    ['STATUS', 'CHECK', 'VERSION', 'DETAIL'],
    checks.map((c) => [mark(c.status), c.check, c.version ?? '-', c.detail]),
  );
  const fixes = checks.filter((c) => c.fix);
  if (fixes.length) {
    ctx.io.out('\nTo fix:');
    for (const c of fixes) ctx.io.out(`  ${c.check}: ${c.fix}`);
  }
  ctx.io.out(
    '\nEach tool is taken from its SANDBOXKIT_<TOOL> variable (SANDBOXKIT_TERRAFORM, SANDBOXKIT_HELM, ...),\nelse from PATH, else from ./.tools/bin.',
  );
  return missing > 0 ? EXIT.failed : EXIT.ok;
}
