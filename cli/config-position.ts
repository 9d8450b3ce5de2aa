import { LineCounter, parseDocument } from 'yaml';

/** `file:line` of the node at `path` in the config text (e.g. `['clusters', 0]`), or the file alone when it is not there. */
export function positionOf(file: string, text: string, path: readonly (string | number)[]): string {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  return node?.range ? `${file}:${lineCounter.linePos(node.range[0]).line}` : file;
}
