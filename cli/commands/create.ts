import { isSeq, type Document } from 'yaml';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { mergeCatalog } from '../../constructs/catalog/merge';
import { instanceIndex } from '../config-store';
import type { CliContext } from '../context';
import { parseTtlHours } from '../duration';
import { CliError, EXIT } from '../io';
import { deployInstance } from '../instances';

export interface CreateOptions {
  readonly name: string;
  readonly cluster: string;
  readonly owner: string;
  readonly blocks: readonly string[];
  readonly mocks: readonly string[];
  /** `variant` for every block that offers it, or `block:variant`. */
  readonly datasets: readonly string[];
  readonly ttl?: string;
  readonly size?: string;
  readonly dryRun: boolean;
}

function addInstance(instance: Record<string, unknown>) {
  return (doc: Document) => {
    const list = doc.get('instances');
    if (isSeq(list)) list.add(doc.createNode(instance));
    else doc.set('instances', doc.createNode([instance]));
  };
}

/**
 * Adds an instance to the config, deploys only its stack, and writes the config
 * once the deploy has worked: a failed deploy leaves the config as it was.
 */
export async function createInstance(ctx: CliContext, opts: CreateOptions): Promise<number> {
  const current = ctx.store.read();
  if (current.instances?.some((i) => i.name === opts.name)) throw new CliError(`instance "${opts.name}" already exists; extend or destroy it instead`);
  const catalog = mergeCatalog(BUILTIN_CATALOG, current.catalog ?? []);
  const datasets = opts.datasets.flatMap((spec) => {
    if (spec.includes(':')) {
      const [block, variant] = spec.split(':', 2);
      return [{ block, variant }];
    }
    const offering = opts.blocks.filter((b) => catalog.get(b)?.datasets?.[spec]);
    if (offering.length === 0) throw new CliError(`--dataset "${spec}": none of the blocks ${opts.blocks.join(', ')} offers it`);
    return offering.map((block) => ({ block, variant: spec }));
  });
  const instance: Record<string, unknown> = {
    name: opts.name,
    cluster: opts.cluster,
    owner: opts.owner,
    ttlHours: opts.ttl === undefined ? 48 : parseTtlHours(opts.ttl),
    blocks: [...opts.blocks],
    ...(opts.size ? { size: opts.size } : {}),
    ...(opts.mocks.length ? { mocks: [...opts.mocks] } : {}),
    ...(datasets.length ? { datasets } : {}),
  };
  const next = ctx.store.preview(addInstance(instance));
  try {
    await deployInstance(ctx, next, opts.name, opts.dryRun);
  } catch (err) {
    if (err instanceof CliError && err.exitCode === EXIT.failed && !opts.dryRun) {
      throw new CliError(
        `${err.message}\n\nThe config was not changed. Run the same command again to retry; to remove what the failed apply created, run: terraform -chdir=${ctx.outdir}/stacks/instance-${opts.name} destroy`,
        EXIT.failed,
      );
    }
    throw err;
  }
  if (!opts.dryRun) {
    await ctx.store.update((doc) => {
      if (instanceIndex(doc, opts.name) >= 0) throw new CliError(`instance "${opts.name}" was added by another command meanwhile`, EXIT.failed);
      addInstance(instance)(doc);
    });
  }
  const result = { instance: opts.name, cluster: opts.cluster, stack: `instance-${opts.name}`, action: opts.dryRun ? 'planned' : 'created', ttlHours: instance.ttlHours };
  ctx.io.out(ctx.json ? JSON.stringify(result) : `${opts.dryRun ? 'planned (nothing changed)' : 'created'} instance ${opts.name} on ${opts.cluster}, expires in ${instance.ttlHours}h`);
  return EXIT.ok;
}
