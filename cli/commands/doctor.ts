import { accessSync, constants, existsSync } from 'fs';
import { delimiter, join } from 'path';
import type { CliContext } from '../context';
import { EXIT, green, red, yellow } from '../io';

export interface Check {
  readonly check: string;
  readonly status: 'ok' | 'missing' | 'warning';
  readonly detail: string;
  readonly fix?: string;
}

/** The first executable called `name` on PATH. */
export function which(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

const MIN_TERRAFORM = [1, 10];

/** Checks what deploying this config needs on this machine and says what to install. */
export async function doctor(ctx: CliContext): Promise<number> {
  const config = ctx.store.read();
  const checks: Check[] = [];
  const tf = await ctx.tools.run('terraform', ['version', '-json']);
  if (tf.code !== 0) {
    checks.push({ check: 'terraform', status: 'missing', detail: 'no terraform (or SANDBOXKIT_TERRAFORM) that runs', fix: 'install Terraform >= 1.10 or OpenTofu >= 1.10, or set SANDBOXKIT_TERRAFORM' });
  } else {
    const version = String((JSON.parse(tf.stdout) as { terraform_version?: string }).terraform_version ?? '0.0.0');
    const [major, minor] = version.split('.').map(Number);
    const fresh = major > MIN_TERRAFORM[0] || (major === MIN_TERRAFORM[0] && minor >= MIN_TERRAFORM[1]);
    checks.push(
      fresh
        ? { check: 'terraform', status: 'ok', detail: version }
        : { check: 'terraform', status: 'missing', detail: `${version} is older than 1.10 (S3-native state locking)`, fix: 'upgrade Terraform or OpenTofu to 1.10 or later' },
    );
  }
  const helm = await ctx.tools.run('helm', ['version', '--short']);
  checks.push(
    helm.code === 0
      ? { check: 'helm', status: 'ok', detail: helm.stdout.trim() }
      : { check: 'helm', status: 'warning', detail: 'not found; `instance test` needs it', fix: 'install Helm 3, or set SANDBOXKIT_HELM' },
  );
  const clouds = new Set(config.clusters.map((c) => c.cloud));
  const need = (binary: string, why: string, fix: string, required = true) =>
    checks.push(
      which(binary, ctx.io.env)
        ? { check: binary, status: 'ok', detail: why }
        : { check: binary, status: required ? 'missing' : 'warning', detail: `not on PATH; ${why}`, fix },
    );
  if (clouds.has('aws')) need('aws', 'EKS tokens for the Kubernetes and Helm providers', 'install the AWS CLI v2');
  if (clouds.has('azure')) {
    need('kubelogin', 'Entra ID tokens for AKS (local accounts are off)', 'install kubelogin (az aks install-cli)');
    need('az', 'kubelogin signs in through the Azure CLI', 'install the Azure CLI');
  }
  if (clouds.has('gcp')) need('gke-gcloud-auth-plugin', 'kubectl and helm test on GKE', 'gcloud components install gke-gcloud-auth-plugin', false);
  for (const c of config.clusters) {
    if (c.cloud !== 'existing' || c.connection.kind !== 'kubeconfig') continue;
    const path = c.connection.path.replace(/^~(?=\/)/, ctx.io.env.HOME ?? '~');
    checks.push(
      existsSync(path)
        ? { check: `kubeconfig ${c.name}`, status: 'ok', detail: `${path}${c.connection.context ? ` (${c.connection.context})` : ''}` }
        : { check: `kubeconfig ${c.name}`, status: 'missing', detail: `${path} does not exist`, fix: `create the cluster, or point clusters[].connection.path at its kubeconfig` },
    );
  }
  const missing = checks.filter((c) => c.status === 'missing').length;
  if (ctx.json) ctx.io.out(JSON.stringify({ ok: missing === 0, checks }));
  else {
    for (const c of checks) {
      const mark = c.status === 'ok' ? green(ctx.io, 'ok') : c.status === 'missing' ? red(ctx.io, 'missing') : yellow(ctx.io, 'warning');
      ctx.io.out(`${mark}  ${c.check}: ${c.detail}${c.fix ? `\n    fix: ${c.fix}` : ''}`);
    }
  }
  return missing > 0 ? EXIT.failed : EXIT.ok;
}
