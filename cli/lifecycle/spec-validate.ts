import { isMap, isScalar, LineCounter, parse, type Document } from 'yaml';
import { dirname, resolve } from 'path';
import { ConfigError, parseConfig, resolveConfigPaths, type ConfigIssue } from '../../config/load';
import type { InstanceConfig, SandboxConfig } from '../../config/types';
import { CliError } from '../io';
import { appendItem, replaceItem, type YamlEdit } from '../yaml-edit';
import type { InstanceEntry } from './spec-merge';

/** Where an entry came from, so that each problem is reported where the user can fix it. */
export type SpecSource =
  | {
      /** A spec file (`instance apply -f`): problems at its lines. */
      readonly kind: 'file';
      readonly file: string;
      readonly doc: Document;
      readonly lines: LineCounter;
      /** Where the entry sits in the document: [] for a bare entry, ['spec'] for `kind: Instance`. */
      readonly prefix: readonly (string | number)[];
    }
  | {
      /** Flags of `instance create`: problems against the flag that set the field. */
      readonly kind: 'flags';
      readonly flagOf: Readonly<Record<string, string>>;
    }
  | {
      /** The spec an instance's record holds, checked again (extend, a retry). */
      readonly kind: 'record';
    };

/** Problems of an instance spec file, each at its line, in the format of config errors. */
export class SpecError extends ConfigError {
  constructor(file: string, issues: readonly ConfigIssue[]) {
    super(file, issues);
    this.name = 'SpecError';
    this.message = this.message.replace(/^invalid sandbox config /, 'invalid instance spec ');
  }
}

/** `instances[2].blocks[0].values.x` as the list of keys and indexes it names. */
export function pathParts(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) parts.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return parts;
}

/**
 * Maps a line of the previewed config text back to the file on disk, which differs only by the instance's lines;
 * undefined for a line of the instance itself.
 */
function fileLine(line: number, file: string, preview: string): number | undefined {
  const a = file.split('\n');
  const b = preview.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  if (line <= head) return line;
  if (line > b.length - tail) return line - (b.length - a.length);
  return undefined;
}

const sortByLine = (issues: ConfigIssue[]) =>
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));

const escape = (s: string) => s.replace(/[[\].]/g, '\\$&');

/** Line and column of the node at `path` in a spec file, or of its nearest ancestor there; undefined when none is. */
function locateInFile(
  source: Extract<SpecSource, { kind: 'file' }>,
  path: readonly (string | number)[],
  unknownKey?: string,
): { line?: number; column?: number; inFile: boolean } {
  if (unknownKey !== undefined) {
    // An unknown key is reported where the key itself is written.
    const map = source.doc.getIn([...source.prefix, ...path], true);
    const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === unknownKey) : undefined;
    const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
    if (range) {
      const pos = source.lines.linePos(range[0]);
      return { line: pos.line, column: pos.col, inFile: true };
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const node = source.doc.getIn([...source.prefix, ...path.slice(0, n)], true) as
      { range?: [number, number, number] } | undefined;
    if (node?.range && (n > 0 || path.length === 0)) {
      const pos = source.lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col, inFile: n === path.length };
    }
  }
  return { inFile: false };
}

function ownIssuesError(
  own: readonly ConfigIssue[],
  prefix: string,
  name: string,
  source: SpecSource,
): CliError | ConfigError {
  // A block that `addBlocks` brought in is reported where the entry names it.
  const origin = (i: ConfigIssue) => new RegExp(`\\(from ${escape(prefix)}\\.([^()]*)\\)$`).exec(i.message);
  const relative = (i: ConfigIssue) => {
    const o = origin(i);
    return {
      path: o ? o[1] : i.path.slice(prefix.length + 1),
      message: o ? i.message.slice(0, o.index).trimEnd() : i.message,
    };
  };
  if (source.kind === 'file') {
    return new SpecError(
      source.file,
      sortByLine(
        own.map((i) => {
          const r = relative(i);
          const at = locateInFile(source, pathParts(r.path), /^unknown key "([^"]+)"/.exec(r.message)?.[1]);
          return {
            path: r.path,
            message: at.inFile ? r.message : `${r.message} (a field of the instance's stored spec)`,
            line: at.line,
            column: at.column,
          };
        }),
      ),
    );
  }
  const lines = own.map((i) => {
    const r = relative(i);
    if (source.kind === 'record') return `${r.path}: ${r.message}`;
    const field = r.path.split(/[.[]/)[0];
    const flag = /(^|\.)values(\.|$)/.test(r.path) ? '--set/--values' : (source.flagOf[field] ?? r.path);
    return `${flag}: ${r.message}`;
  });
  const what = source.kind === 'record' ? `the stored spec of instance "${name}" no longer fits the config: ` : '';
  return new CliError(
    lines.length === 1 ? `${what}${lines[0]}` : `${what}${lines.length} problems:\n  ${lines.join('\n  ')}`,
  );
}

/**
 * Validates an instance entry with the config loader itself (same schema, semantic checks, templates and messages as
 * synth), by placing it in the config text: over the entry of the same name, or after the last. Problems of the
 * entry are reported against `source`; problems elsewhere keep the config file's own lines. Returns the instance as
 * the loader resolves it (its template applied), and the config it is part of.
 */
export function validateEntry(
  configFile: string,
  configText: string,
  entry: InstanceEntry,
  source: SpecSource,
): { instance: InstanceConfig; config: SandboxConfig } {
  const name = String(entry.name ?? '');
  const declared = (parse(configText) as { instances?: { name?: string }[] } | null)?.instances ?? [];
  const found = declared.findIndex((i) => i?.name === name);
  const index = found >= 0 ? found : declared.length;
  const edit: YamlEdit = found >= 0 ? replaceItem('instances', found, entry) : appendItem('instances', entry);
  const preview = edit(configText);
  try {
    const config = resolveConfigPaths(parseConfig(preview, configFile), dirname(resolve(configFile)));
    const instance = config.instances?.find((i) => i.name === name);
    if (!instance) throw new CliError(`the instance spec has no name`);
    return { instance, config };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const prefix = `instances[${index}]`;
    const fromTemplate = (i: ConfigIssue) => /\(from templates\[/.test(i.message);
    const own = err.issues.filter((i) => (i.path === prefix || i.path.startsWith(`${prefix}.`)) && !fromTemplate(i));
    const others = err.issues
      .filter((i) => !own.includes(i))
      .map((i) => ({
        ...i,
        line: i.line === undefined ? undefined : fileLine(i.line, configText, preview),
        message: i.message.replace(
          new RegExp(`which ${escape(prefix)}\\.template \\(line \\d+\\) brings in`),
          source.kind === 'flags' ? 'which --template brings in' : "which the instance's template brings in",
        ),
      }));
    if (others.length) throw new ConfigError(err.file, others);
    throw ownIssuesError(own, prefix, name, source);
  }
}
