import { existsSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parseConfig } from '../../config/load';
import { CLUSTER_NAME_MAX } from '../../config/schema';
import { CONFIG_NAME } from '../config-discovery';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../io';
import { kubeServer, kubectlMessage, REQUEST_TIMEOUT } from '../kube';
import { NOT_FOUND } from '../tools';

/** `init`'s options. */
export interface InitOptions {
  /** The kubeconfig file. @default - $KUBECONFIG, else ~/.kube/config */
  readonly kubeconfig?: string;
  /** The context in it. @default - its current context */
  readonly context?: string;
  /** The cluster's name in the config. @default - from the context */
  readonly name?: string;
  /** Replace a config file that exists. */
  readonly force: boolean;
}

/** A DNS label from a kubectl context name: `kind-kind` stays, `arn:aws:eks:...:cluster/dev` becomes `dev`. */
export function clusterNameOf(context: string): string {
  const last = context.split(/[/:@]/).filter(Boolean).pop() ?? context;
  const label = last
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, CLUSTER_NAME_MAX)
    .replace(/-+$/, '');
  return /^[a-z]/.test(label) ? label : `c-${label}`.slice(0, CLUSTER_NAME_MAX);
}

/** The starter config text; every line a user may change says what it does. */
export function starterConfig(o: {
  name: string;
  kubeconfig: string;
  context?: string;
  storageClass: string;
  server?: string;
}): string {
  return `# sandboxkit config: the clusters, and the instances the platform team keeps.
# Written by \`sandboxkit init\`${o.server ? ` for ${o.server}` : ''}. Check it with \`sandboxkit doctor\`.

# Where Terraform state and instance records are kept: a folder beside this file.
# A team shares a bucket instead (backend: s3, azurerm or gcs) that every machine and CI reach.
state:
  backend: local
  directory: state

clusters:
  # An existing cluster reached with a kubeconfig: kind, minikube, k3d, on-premises.
  - name: ${o.name}
    cloud: existing
    connection:
      kind: kubeconfig
      path: ${o.kubeconfig}${o.context ? `\n      context: ${o.context}` : ''}
    # Every routed block is served at https://<block>.<instance>.<ingressDomain>.
    ingressDomain: sandbox.localhost
    storageClasses:
      # \`kubectl get storageclass\` lists what the cluster offers.
      blockRwo: ${o.storageClass}

# What \`sandboxkit instance create <name> --template starter\` builds on.
templates:
  - name: starter
    description: a database and a mail catcher, for eight hours
    blocks: [postgresql]
    mocks: [email]
    ttlHours: 8

# Instances kept here are deployed with \`cdktf deploy\` or \`sandboxkit instance apply\`. Instances of
# developers and CI are created from the command line and recorded in the state backend instead:
#   cdktf deploy platform-${o.name}                       (once: the platform of the cluster)
#   sandboxkit instance create demo --template starter
instances: []
`;
}

/**
 * `init`: asks kubectl for the context, its API server and default StorageClass, writes the starter config to
 * --config (else ./sandbox.yaml), validated first, and never over an existing file without --force.
 */
export async function initCommand(ctx: CliContext, o: InitOptions): Promise<number> {
  const file = ctx.configFlag ?? ctx.io.env.SANDBOX_CONFIG ?? join(ctx.io.cwd, CONFIG_NAME);
  if (existsSync(file) && !o.force)
    throw new CliError(`${file} exists; pass --force to replace it, or --config <file> to write another`);
  const kubeconfig =
    o.kubeconfig ?? ctx.io.env.KUBECONFIG?.split(':')[0] ?? join(ctx.io.env.HOME ?? '~', '.kube', 'config');
  const conn = ['--kubeconfig', kubeconfig, ...(o.context ? ['--context', o.context] : [])];
  const current = await ctx.tools.run('kubectl', [...conn, 'config', 'current-context']);
  if (current.code === NOT_FOUND)
    throw new CliError('kubectl could not be started: install it, or set SANDBOXKIT_KUBECTL', EXIT.failed);
  const context = o.context ?? (current.code === 0 ? current.stdout.trim() : undefined);
  if (!context)
    throw new CliError(
      `${kubeconfig} has no current context: pass --context, or --kubeconfig with a cluster`,
      EXIT.failed,
    );
  const server = (await kubeServer(ctx, conn)) ?? '';
  const classes = await ctx.tools.run('kubectl', [...conn, 'get', 'storageclass', '-o', 'json', REQUEST_TIMEOUT]);
  if (classes.code !== 0)
    ctx.io.err(
      `warning: the API server of context ${context} did not answer (${kubectlMessage(classes)}); set storageClasses.blockRwo yourself`,
    );
  const items =
    classes.code === 0
      ? ((
          JSON.parse(classes.stdout) as {
            items?: { metadata: { name: string; annotations?: Record<string, string> } }[];
          }
        ).items ?? [])
      : [];
  const byDefault = items.find(
    (s) => s.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
  );
  const text = starterConfig({
    name: o.name ?? clusterNameOf(context),
    kubeconfig: o.kubeconfig ?? (ctx.io.env.KUBECONFIG ? kubeconfig : '~/.kube/config'),
    context,
    storageClass: (byDefault ?? items[0])?.metadata.name ?? 'standard',
    server: server || undefined,
  });
  parseConfig(text, file);
  writeFileSync(file, text, { flag: o.force ? 'w' : 'wx' });
  ctx.io.out(
    `wrote ${file} for context ${context}${server ? ` (${server})` : ''}\nnext: sandboxkit doctor, then deploy the platform (cdktf deploy platform-${o.name ?? clusterNameOf(context)}) and create an instance: sandboxkit instance create demo --template starter`,
  );
  return EXIT.ok;
}
