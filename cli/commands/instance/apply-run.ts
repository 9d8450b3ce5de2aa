import { readFileSync } from 'fs';
import type { OutputFormat } from '../../command-kit';
import type { CliContext } from '../../context';
import { clusterFlag } from '../../defaults';
import { CliError, EXIT } from '../../io';
import { currentActor } from '../../lifecycle/actor';
import { applyInstance, type ApplyResult } from '../../lifecycle/apply';
import { readSpecDocuments } from '../../lifecycle/spec-file';
import { printApplyResult } from './apply-print';
import { printStructured } from './print';

/** `instance apply`'s options. */
export interface ApplyCommandOptions {
  /** A spec file, or `-` for standard input. */
  readonly file: string;
  readonly dryRun: boolean;
  readonly writeConfig: boolean;
  readonly wait: boolean;
  readonly deadline?: number;
}

function readSpec(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new CliError(`-f ${file}: ${(err as Error).message}`);
  }
}

/** `instance apply -f`: every document of the file applied in turn; the first failure stops the rest. */
export async function applyCommand(ctx: CliContext, o: ApplyCommandOptions, format: OutputFormat): Promise<number> {
  const file = o.file === '-' ? '<stdin>' : o.file;
  const docs = readSpecDocuments(file, readSpec(o.file));
  const config = ctx.store.read();
  const actor = await currentActor(ctx);
  const only = clusterFlag(config, undefined);
  const results: ApplyResult[] = [];
  for (const doc of docs) {
    const result = await applyInstance(ctx, {
      entry: doc.entry,
      source: doc.source,
      mode: 'apply',
      dryRun: o.dryRun,
      writeConfig: o.writeConfig,
      actor,
      defaults: { cluster: only?.name, owner: actor.name },
      wait: o.wait,
      deadline: o.deadline,
    });
    results.push(result);
    if (format === 'table')
      printApplyResult(
        ctx,
        result,
        format,
        doc.entry.owner === undefined && result.action === 'created' ? actor : undefined,
      );
  }
  if (format !== 'table') printStructured(ctx, format, results.length === 1 ? results[0] : results);
  return EXIT.ok;
}
