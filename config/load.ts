import { dirname, resolve } from 'path';
import { readFileSync, statSync } from 'fs';
import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { core } from 'zod';
import { BUILTIN_CATALOG } from '../constructs/catalog/builtin';
import { truncateForMessage } from '../constructs/names';
import { KNOWN_CLOUDS, clusterBaseSchema, sandboxConfigSchema } from './schema';
import { semanticIssues, type PathIssue } from './semantics';
import { resolveTemplates } from './templates';
import { backupIssues } from './backup-checks';
import { cloudResourceIssues } from './cloud-resource-checks';
import { managedDatabaseIssues } from './managed-database-checks';
import { injectionIssues } from './injection-checks';
import { secretKeyIssues } from './secret-key-checks';
import type { SandboxConfig } from './types';

/** Config files larger than this are refused before parsing. */
export const CONFIG_MAX_BYTES = 10 * 1024 * 1024;
/** YAML aliases allowed in one document; more is treated as an alias bomb. */
const MAX_ALIASES = 200;

export interface ConfigIssue {
  /** `instances[1].cluster`; empty for problems with the file as a whole. */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** Every problem found in one config file. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(formatIssues(file, issues));
    this.name = 'ConfigError';
  }
}

function formatIssues(file: string, issues: readonly ConfigIssue[]): string {
  const lines = issues.map((i) => {
    const where = i.line ? `${file}:${i.line}:${i.column ?? 1}` : file;
    return `  ${where}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
  });
  const noun = issues.length === 1 ? 'problem' : 'problems';
  return `invalid sandbox config ${file}: ${issues.length} ${noun}\n${lines.join('\n')}`;
}

/** Renders a path as `instances[1].blocks[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Reads, parses and validates a config file; throws ConfigError with every problem found. */
export function loadConfig(file: string): SandboxConfig {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > CONFIG_MAX_BYTES) {
      throw new ConfigError(file, [
        { path: '', message: `file is ${size} bytes; at most ${CONFIG_MAX_BYTES} are accepted` },
      ]);
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(file, [{ path: '', message: `cannot read file: ${(err as Error).message}` }]);
  }
  return resolveConfigPaths(parseConfig(text, file), dirname(resolve(file)));
}

/**
 * Paths in the config (chart mirror folders, kubeconfig files) are written relative to the config file; stacks,
 * which Terraform runs from their own folders, and the command line receive them absolute. `~/` stays for the
 * providers and tools to expand.
 */
export function resolveConfigPaths(config: SandboxConfig, baseDir: string): SandboxConfig {
  const relative = (p: string) => !p.startsWith('~') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(p);
  const clusters = config.clusters.map((c) => {
    const mirror = c.platform?.chartMirror;
    let out = c;
    if (mirror && relative(mirror))
      out = { ...out, platform: { ...out.platform, chartMirror: resolve(baseDir, mirror) } };
    if (out.cloud === 'existing' && out.connection.kind === 'kubeconfig' && relative(out.connection.path))
      out = { ...out, connection: { ...out.connection, path: resolve(baseDir, out.connection.path) } };
    return out;
  });
  return { ...config, clusters } as SandboxConfig;
}

/** Parses and validates config text; `file` names it in messages. */
export function parseConfig(text: string, file = '<config>'): SandboxConfig {
  const lineCounter = new LineCounter();
  let doc: Document;
  let data: unknown;
  try {
    // Merge keys (`<<: *defaults`) are resolved as YAML 1.1 defined them, so one instance can build on another's anchor.
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, merge: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(
        file,
        doc.errors.map((e) => {
          const pos = lineCounter.linePos(e.pos[0]);
          const message =
            e.code === 'DUPLICATE_KEY'
              ? `duplicate key "${truncateForMessage(duplicateKey(text, e.pos[0]), 60)}": a key may appear once in a mapping`
              : `not valid YAML: ${e.message.split('\n')[0]}`;
          return { path: '', message, line: pos.line, column: pos.col };
        }),
      );
    }
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // Alias bombs and pathological nesting end here rather than as a stack trace.
    const reason = err instanceof RangeError ? 'nesting is too deep' : (err as Error).message;
    throw new ConfigError(file, [{ path: '', message: `not valid YAML: ${truncateForMessage(reason, 200)}` }]);
  }

  if (!isRecord(data)) {
    throw new ConfigError(file, [{ path: '', message: 'expected a mapping with "clusters" and "instances"' }]);
  }

  // Templates are applied before validation; each issue in an inherited field is located where the file writes it.
  const templated = resolveTemplates(data);
  const resolved = templated.data;
  const issues: PathIssue[] = [...templated.issues];
  const parsed = sandboxConfigSchema.safeParse(resolved, { reportInput: true });
  if (!parsed.success) issues.push(...parsed.error.issues.map(fromZodIssue));
  issues.push(...unknownCloudBaseIssues(resolved));

  issues.push(...semanticIssues(resolved, BUILTIN_CATALOG));
  issues.push(...cloudResourceIssues(resolved));
  issues.push(...backupIssues(resolved, BUILTIN_CATALOG));
  issues.push(...managedDatabaseIssues(resolved, BUILTIN_CATALOG));
  issues.push(...injectionIssues(data));
  issues.push(...secretKeyIssues(resolved));

  if (issues.length > 0) {
    const located = dedupe(issues).map((i) => {
      const origin = templated.originOf(i.path);
      if (!origin) return locate(i, doc, lineCounter);
      const at = locate({ path: origin.at, message: i.message }, doc, lineCounter);
      const via = origin.via && locate({ path: origin.via, message: '' }, doc, lineCounter);
      const from = `from ${formatPath(origin.at)}${via ? `, which ${via.path}${via.line ? ` (line ${via.line})` : ''} brings in` : ''}`;
      return { ...at, path: formatPath(i.path), message: `${i.message} (${from})` };
    });
    located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    throw new ConfigError(file, located);
  }
  return parsed.data as SandboxConfig;
}

/** The key that starts at `offset`: quoted, or plain up to its colon. */
function duplicateKey(text: string, offset: number): string {
  const m = /^("[^"\n]*"|'[^'\n]*'|[^:\n]+?)\s*:/.exec(text.slice(offset));
  return (m ? m[1] : text.slice(offset, offset + 1)).replace(/^["']|["']$/g, '');
}

function fromZodIssue(issue: core.$ZodIssue): PathIssue {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  switch (issue.code) {
    case 'unrecognized_keys':
      return {
        path,
        message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
      };
    case 'invalid_union':
      if (issue.discriminator !== undefined && 'options' in issue && issue.options) {
        const atKey = path[path.length - 1] === issue.discriminator;
        const got = isRecord(issue.input) ? issue.input[issue.discriminator] : issue.input;
        return {
          path: atKey ? path : [...path, issue.discriminator],
          message: `expected one of ${issue.options.map(String).join(', ')}, got ${got === undefined ? 'nothing' : typeOf(got)}`,
        };
      }
      return { path, message: 'does not match any accepted form' };
    case 'invalid_type':
      if (issue.expected === 'int') return { path, message: withInput(issue.message, issue.input) };
      return {
        path,
        message:
          issue.input === undefined
            ? `is required (expected ${issue.expected})`
            : `expected ${issue.expected}, got ${typeOf(issue.input)}`,
      };
    case 'invalid_value':
      return {
        path,
        message: withInput(`expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`, issue.input),
      };
    case 'too_big':
    case 'too_small':
    case 'invalid_format':
      return { path, message: withInput(issue.message, issue.input) };
    case 'invalid_key':
      // A mapping key that fails its own check (e.g. an injection path): the key's problem, at the key.
      return { path, message: issue.issues[0]?.message ?? issue.message };
    default:
      return { path, message: issue.message };
  }
}

function withInput(message: string, input: unknown): string {
  if (typeof input === 'number' || typeof input === 'boolean') return `${message}, got ${input}`;
  if (typeof input === 'string') return `${message}, got "${truncateForMessage(input, 60)}"`;
  return message;
}

/**
 * A cluster whose cloud is unknown matches no branch of the schema, so its
 * common fields would go unchecked; check them too, so one run reports all.
 */
function unknownCloudBaseIssues(data: Record<string, unknown>): PathIssue[] {
  if (!Array.isArray(data.clusters)) return [];
  const issues: PathIssue[] = [];
  data.clusters.forEach((cluster, index) => {
    if (!isRecord(cluster) || KNOWN_CLOUDS.includes(cluster.cloud as never)) return;
    const base = clusterBaseSchema.safeParse(cluster, { reportInput: true });
    if (!base.success) {
      issues.push(...base.error.issues.map(fromZodIssue).map((i) => ({ ...i, path: ['clusters', index, ...i.path] })));
    }
  });
  return issues;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `string "${truncateForMessage(value, 40)}"`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}

function dedupe(issues: PathIssue[]): PathIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${formatPath(i.path)}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Finds the YAML node at `path`, or the nearest ancestor that exists, for a line and column. */
function locate(issue: PathIssue, doc: Document, lineCounter: LineCounter): ConfigIssue {
  let node: Node | null | undefined = doc.contents as Node | null;
  for (const key of issue.path) {
    if (!isMap(node) && !isSeq(node)) break;
    const child = node.get(key, true) as Node | undefined;
    if (child === undefined || child === null) break;
    node = child;
  }
  const offset = node?.range?.[0];
  const pos = offset === undefined ? undefined : lineCounter.linePos(offset);
  return { path: formatPath(issue.path), message: issue.message, line: pos?.line, column: pos?.col };
}
