import { LineCounter, parseAllDocuments } from 'yaml';
import type { InstanceEntry } from './spec-merge';
import { SpecError, type SpecSource } from './spec-validate';

/** The document kind `instance get -o yaml` prints; `apply -f` takes it back as well as a bare entry. */
export const INSTANCE_KIND = 'Instance';

export interface SpecDocument {
  readonly entry: InstanceEntry;
  readonly source: Extract<SpecSource, { kind: 'file' }>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The instance entries of a spec file, one per YAML document: either an `instances[]` entry as the config file
 * holds it, or the `kind: Instance` document `instance get -o yaml` prints (its `spec`; `status` is ignored).
 */
export function readSpecDocuments(file: string, text: string): SpecDocument[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, merge: true });
  if (!Array.isArray(docs))
    throw new SpecError(file, [{ path: '', message: 'expected YAML documents, found none', line: 1 }]);
  const out: SpecDocument[] = [];
  for (const doc of docs) {
    if (doc.errors.length) {
      throw new SpecError(
        file,
        doc.errors.map((e) => {
          const pos = lines.linePos(e.pos[0]);
          return { path: '', message: `not valid YAML: ${e.message.split('\n')[0]}`, line: pos.line, column: pos.col };
        }),
      );
    }
    const data = doc.toJS({ maxAliasCount: 200 }) as unknown;
    if (data === null || data === undefined) continue;
    const start = doc.contents?.range ? lines.linePos(doc.contents.range[0]) : undefined;
    if (!isObject(data))
      throw new SpecError(file, [
        { path: '', message: 'expected an instance: a mapping with name, blocks, ...', line: start?.line },
      ]);
    const wrapped = data.kind === INSTANCE_KIND;
    if (wrapped && !isObject(data.spec))
      throw new SpecError(file, [
        { path: 'spec', message: `a kind ${INSTANCE_KIND} document needs a spec mapping`, line: start?.line },
      ]);
    const entry = wrapped ? (data.spec as InstanceEntry) : data;
    if (typeof entry.name !== 'string' || !entry.name)
      throw new SpecError(file, [
        { path: 'name', message: 'is required (expected the instance name)', line: start?.line },
      ]);
    out.push({ entry, source: { kind: 'file', file, doc, lines, prefix: wrapped ? ['spec'] : [] } });
  }
  if (out.length === 0) throw new SpecError(file, [{ path: '', message: 'holds no instance' }]);
  return out;
}
