import {
  Document,
  LineCounter,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Node,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

/**
 * Edits of the config file that change only the bytes of the part they edit.
 * The yaml Document gives each node's position; the edit is spliced into the
 * original text, so comments, quoting, flow style and indentation elsewhere
 * stay exactly as they were. Every edit is checked by parsing the result and
 * comparing it with the same edit made through the Document API; should the
 * splice ever disagree, the Document API's output is used instead.
 */
export type YamlEdit = (text: string) => string;

interface Located {
  readonly doc: Document;
  readonly lines: LineCounter;
}

function locate(text: string): Located {
  const lines = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: lines, keepSourceTokens: false }), lines };
}

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
const lineEnd = (text: string, offset: number) => {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
};

/** The item as block YAML lines, `- ` first, indented to `column`. */
function blockItem(value: unknown, column: number): string {
  const body = new Document(value).toString({ lineWidth: 0 }).trimEnd().split('\n');
  const pad = ' '.repeat(column);
  return body.map((line, i) => `${pad}${i === 0 ? '- ' : '  '}${line}`).join('\n') + '\n';
}

/** Applies `splice` and checks it against `viaDocument`; returns the spliced text, or the Document's when they differ. */
function checked(
  text: string,
  splice: (l: Located) => string | undefined,
  viaDocument: (doc: Document) => void,
): string {
  const reference = parseDocument(text);
  viaDocument(reference);
  const expected = JSON.stringify(reference.toJS());
  let spliced: string | undefined;
  try {
    spliced = splice(locate(text));
  } catch {
    spliced = undefined;
  }
  if (spliced !== undefined && JSON.stringify(parseDocument(spliced).toJS()) === expected) return spliced;
  return String(reference);
}

function seqAt(doc: Document, key: string): YAMLSeq | undefined {
  const node = doc.get(key, true);
  return isSeq(node) ? node : undefined;
}

/** Appends `value` to the top-level list `key`, creating the list when there is none. */
export function appendItem(key: string, value: unknown): YamlEdit {
  return (text) =>
    checked(
      text,
      ({ doc, lines }) => {
        const seq = seqAt(doc, key);
        const last = seq?.items[seq.items.length - 1] as Node | undefined;
        if (seq && !seq.flow && last?.range) {
          const column = lines.linePos((seq.items[0] as Node).range![0]).col - 3;
          const at = lineEnd(text, last.range[1]);
          const before = text.slice(0, at);
          return `${before}${before.endsWith('\n') ? '' : '\n'}${blockItem(value, column)}${text.slice(at)}`;
        }
        if (doc.has(key)) return undefined;
        const body = text.length === 0 || text.endsWith('\n') ? text : `${text}\n`;
        return `${body}${key}:\n${blockItem(value, 2)}`;
      },
      (doc) => {
        const seq = seqAt(doc, key);
        if (seq) seq.add(doc.createNode(value));
        else doc.set(key, doc.createNode([value]));
      },
    );
}

/** The text range of item `index` of a block list: its lines, with the comment lines right above it. */
function itemLines(text: string, seq: YAMLSeq, index: number): [number, number] {
  const item = seq.items[index] as Node;
  let start = lineStart(text, item.range![0]);
  for (;;) {
    const prev = lineStart(text, start - 1);
    if (start === 0 || !/^\s*#/.test(text.slice(prev, start))) break;
    start = prev;
  }
  return [start, lineEnd(text, item.range![1])];
}

/** Removes item `index` of the top-level list `key`. */
export function removeItem(key: string, index: number): YamlEdit {
  return (text) =>
    checked(
      text,
      ({ doc }) => {
        const seq = seqAt(doc, key);
        if (!seq || seq.flow) return undefined;
        const [start, end] = itemLines(text, seq, index);
        const rest = `${text.slice(0, start)}${text.slice(end)}`;
        if (seq.items.length > 1) return rest;
        // The list is now empty: say so, rather than leave a key without a value.
        const keyNode = (doc.contents as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === key)!
          .key as Node;
        const keyEnd = lineEnd(rest, keyNode.range![1]) - 1;
        return `${rest.slice(0, keyEnd).trimEnd()} []${rest.slice(keyEnd)}`;
      },
      (doc) => {
        doc.deleteIn([key, index]);
        if (seqAt(doc, key)?.items.length === 0) doc.set(key, doc.createNode([]));
      },
    );
}

/** Replaces item `index` of the top-level list `key` with `value`, in block style at the same place. */
export function replaceItem(key: string, index: number, value: unknown): YamlEdit {
  return (text) =>
    checked(
      text,
      ({ doc, lines }) => {
        const seq = seqAt(doc, key);
        if (!seq || seq.flow) return undefined;
        const item = seq.items[index] as Node;
        const column = lines.linePos(item.range![0]).col - 3;
        const start = lineStart(text, item.range![0]);
        return `${text.slice(0, start)}${blockItem(value, column)}${text.slice(lineEnd(text, item.range![1]))}`;
      },
      (doc) => doc.setIn([key, index], doc.createNode(value)),
    );
}

/** Sets the scalar `field` of the mapping at item `index` of the top-level list `key`. */
export function setItemField(key: string, index: number, field: string, value: string | number | boolean): YamlEdit {
  return (text) =>
    checked(
      text,
      ({ doc, lines }) => {
        const map = seqAt(doc, key)?.items[index];
        if (!isMap(map)) return undefined;
        const existing = map.get(field, true);
        const literal = new Document(value).toString().trimEnd();
        if (isScalar(existing) && existing.range)
          return `${text.slice(0, existing.range[0])}${literal}${text.slice(existing.range[1])}`;
        if (existing !== undefined) return undefined;
        if (map.flow) {
          const close = text.lastIndexOf('}', map.range![1]);
          const inner = text.slice(0, close).trimEnd();
          return `${inner}, ${field}: ${literal} ${text.slice(close)}`;
        }
        const firstKey = map.items[0].key as Node;
        const column = lines.linePos(firstKey.range![0]).col - 1;
        const at = lineEnd(text, map.range![1]);
        const before = text.slice(0, at);
        return `${before}${before.endsWith('\n') ? '' : '\n'}${' '.repeat(column)}${field}: ${literal}\n${text.slice(at)}`;
      },
      (doc) => doc.setIn([key, index, field], value),
    );
}
