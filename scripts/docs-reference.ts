import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { parse } from 'yaml';
import { dirname, join } from 'path';
import * as ts from 'typescript';
import { z } from 'zod';
import type { Command, Option } from 'commander';
import { buildProgram } from '../cli/program';
import { BUILTIN_CATALOG } from '../constructs/catalog/builtin';
import { sandboxConfigSchema } from '../config/schema';

/**
 * The references in docs/reference/, generated from the code: every config key (from the TypeScript types the schema
 * validates against, with the schema's constraints), every command and flag (from the command definitions) and the
 * built-in catalog. `npm run docs` writes them; a test regenerates them and fails when a committed file differs.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON Schema nodes are read field by field, as the schema describes them
type JsonSchema = Record<string, any>;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
const code = (s: string) => (s ? `\`${cell(s).replace(/`/g, "'")}\`` : '');

/** What the schema says of a value beyond its type: bounds, patterns, choices. */
function constraints(node: JsonSchema | undefined): string {
  if (!node) return '';
  const parts: string[] = [];
  if (node.enum) parts.push(`one of ${node.enum.map((v: unknown) => code(String(v))).join(', ')}`);
  if (node.const !== undefined) parts.push(`exactly ${code(String(node.const))}`);
  if (node.minimum !== undefined) parts.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined) parts.push(`≤ ${node.maximum}`);
  if (node.minLength !== undefined && node.minLength > 1) parts.push(`at least ${node.minLength} characters`);
  if (node.maxLength !== undefined) parts.push(`at most ${node.maxLength} characters`);
  if (node.minItems !== undefined) parts.push(`at least ${node.minItems} item${node.minItems === 1 ? '' : 's'}`);
  if (node.pattern) parts.push(`matches ${code(node.pattern)}`);
  if (node.items && !node.items.properties) {
    const inner = constraints(node.items);
    if (inner) parts.push(`each: ${inner}`);
  }
  return parts.join('; ');
}

/** The schema node of an object's property, looking through the schema's wrappers. */
function propertyNode(node: JsonSchema | undefined, name: string): JsonSchema | undefined {
  if (!node) return undefined;
  if (node.properties?.[name]) return node.properties[name];
  for (const variant of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) {
    const found = propertyNode(variant, name);
    if (found) return found;
  }
  return undefined;
}

/** The variant of a union node whose discriminator is `value`, or the object variant of a string-or-object union. */
function variantNode(node: JsonSchema | undefined, key?: string, value?: string): JsonSchema | undefined {
  const variants: JsonSchema[] = node?.anyOf ?? node?.oneOf ?? [];
  if (!variants.length) return node;
  if (key) {
    const match = variants.find((v) => {
      const p = propertyNode(v, key);
      return p?.const === value || (p?.enum?.length === 1 && p.enum[0] === value);
    });
    if (match) return match;
  }
  return variants.find((v) => v.type === 'object' || v.properties) ?? node;
}

/** A value each key takes in the example configs, by key path (`clusters[].nodePools[].name`). */
function exampleValues(): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, `${path}[]`);
      if (value.every((v) => typeof v !== 'object') && value.length && !found.has(path))
        found.set(path, JSON.stringify(value));
      return;
    }
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k);
      return;
    }
    if (!found.has(path)) found.set(path, JSON.stringify(value));
  };
  const dir = join(projectRoot(), 'examples');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort())
    visit(parse(readFileSync(join(dir, file), 'utf8'), { merge: true }), '');
  return found;
}

interface Row {
  readonly key: string;
  readonly type: string;
  readonly required: boolean;
  readonly defaultValue: string;
  readonly constraints: string;
  readonly description: string;
  readonly example: string;
}

/** Every key of the config, walked from `SandboxConfig` through the type checker. */
function configRows(): { section: string; rows: Row[] }[] {
  const source = join(projectRoot(), 'config', 'types.ts');
  const program = ts.createProgram([source], { strict: true, target: ts.ScriptTarget.ES2022, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(source)!;
  const root = sourceFile.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'SandboxConfig',
  )!;
  const schema = z.toJSONSchema(sandboxConfigSchema, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
  const sections: { section: string; rows: Row[] }[] = [];
  const seen = new Set<string>();
  const examples = exampleValues();

  const objectTypes = (type: ts.Type): ts.Type[] => {
    const nonNull = checker.getNonNullableType(type);
    if (checker.isArrayType(nonNull) || checker.isTupleType(nonNull))
      return objectTypes(checker.getTypeArguments(nonNull as ts.TypeReference)[0]);
    if (nonNull.isUnion()) return nonNull.types.flatMap(objectTypes);
    const isRecord = checker.getIndexInfosOfType(nonNull).length > 0;
    const isObject = (nonNull.flags & ts.TypeFlags.Object) !== 0 && !isRecord;
    return isObject && checker.getPropertiesOfType(nonNull).length > 0 ? [nonNull] : [];
  };
  const discriminator = (type: ts.Type): [string, string] | undefined => {
    for (const key of ['cloud', 'backend', 'kind', 'source']) {
      const p = type.getProperty(key);
      if (!p) continue;
      const t = checker.getTypeOfSymbol(p);
      if (t.isStringLiteral()) return [key, t.value];
    }
    return undefined;
  };
  /** How a variant of a union without a discriminator is told apart: its one required key. */
  const variantLabel = (type: ts.Type): string =>
    checker
      .getPropertiesOfType(type)
      .filter((p) => (p.flags & ts.SymbolFlags.Optional) === 0)
      .map((p) => p.name)
      .join(', ');

  const walk = (type: ts.Type, path: string, node: JsonSchema | undefined, title: string) => {
    const id = `${path}:${checker.typeToString(type)}`;
    if (seen.has(id)) return;
    seen.add(id);
    const rows: Row[] = [];
    const children: [ts.Type, string, JsonSchema | undefined, string][] = [];
    for (const prop of checker.getPropertiesOfType(type)) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      if (!decl) continue;
      const propType = checker.getTypeOfSymbolAtLocation(prop, decl);
      const key = path ? `${path}.${prop.name}` : prop.name;
      const docs = ts.displayPartsToString(prop.getDocumentationComment(checker));
      const defaultTag = prop.getJsDocTags(checker).find((t) => t.name === 'default');
      const propNode = propertyNode(node, prop.name);
      const nested = objectTypes(propType);
      const isList = checker.isArrayType(checker.getNonNullableType(propType));
      const typeText = checker.typeToString(
        checker.getNonNullableType(propType),
        undefined,
        ts.TypeFormatFlags.NoTruncation,
      );
      rows.push({
        key,
        // An inline object type is its own section below; its name, where it has one, says enough here.
        type: nested.length && typeText.includes('{') ? (isList ? 'list of objects' : 'object') : typeText,
        required: (prop.flags & ts.SymbolFlags.Optional) === 0,
        defaultValue: defaultTag ? ts.displayPartsToString(defaultTag.text) : '',
        constraints: constraints(propNode?.anyOf ? variantNode(propNode) : propNode),
        description: docs,
        example: examples.get(key) ?? '',
      });
      const childNode = isList ? propNode?.items : propNode;
      for (const child of nested) {
        const disc = nested.length > 1 ? discriminator(child) : undefined;
        const childPath = `${key}${isList ? '[]' : ''}`;
        const childTitle = `${path ? `${title}.` : ''}${prop.name}${isList ? '[]' : ''}`;
        const label = disc ? `${disc[0]}: ${disc[1]}` : nested.length > 1 ? variantLabel(child) : '';
        children.push([
          child,
          childPath,
          variantNode(childNode, disc?.[0], disc?.[1]),
          label ? `${childTitle} (${label})` : childTitle,
        ]);
      }
    }
    sections.push({ section: title, rows });
    for (const [t, p, n, s] of children) walk(t, p, n, s);
  };
  walk(checker.getTypeAtLocation(root), '', schema, 'top level');
  return sections;
}

/** docs/reference/config.md */
export function configReference(): string {
  const lines = [
    '# Config reference',
    '',
    '<!-- Generated by `npm run docs` from config/types.ts and the schema in config/schema.ts; do not edit. -->',
    '',
    'Every key of the sandbox config file (`sandbox.yaml`), section by section: its type, whether it is required, its',
    'default, what the schema accepts, and what it does. Library users build the same objects from `SandboxConfig`.',
    'A list is written `key[]`; where a list holds several kinds of entries, each kind is its own section. Examples',
    'come from the configs in examples/.',
    '',
  ];
  for (const { section, rows } of configRows()) {
    if (!rows.length) continue;
    lines.push(
      `## ${section}`,
      '',
      '| key | type | required | default | accepts | example | description |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const r of rows) {
      const example = r.example.length <= 60 ? code(r.example) : '';
      lines.push(
        `| ${code(r.key)} | ${code(r.type)} | ${r.required ? 'yes' : 'no'} | ${cell(r.defaultValue)} | ${cell(r.constraints)} | ${example} | ${cell(r.description)} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

const flagsOf = (o: Option) => {
  const choices = (o as Option & { argChoices?: string[] }).argChoices;
  const defaultValue =
    o.defaultValueDescription ?? (o.defaultValue === undefined ? '' : JSON.stringify(o.defaultValue));
  return { flags: o.flags, description: o.description, choices: choices?.join(', ') ?? '', defaultValue };
};

/** docs/reference/cli.md */
export function cliReference(): string {
  const program = buildProgram(async () => undefined);
  const lines = [
    '# Command reference',
    '',
    '<!-- Generated by `npm run docs` from the command definitions in cli/program.ts; do not edit. -->',
    '',
    `\`sandboxkit\` — ${program.description()}`,
    '',
    '## Options of every command',
    '',
    '| flag | description | default |',
    '| --- | --- | --- |',
    ...program.options.map((o) => {
      const f = flagsOf(o);
      return `| ${code(f.flags)} | ${cell(f.description)} | ${cell(f.defaultValue)} |`;
    }),
    '',
  ];
  const visit = (cmd: Command, words: string[]) => {
    for (const sub of cmd.commands) {
      if (sub.name() === 'help') continue;
      const path = [...words, sub.name()];
      const args = sub.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ');
      lines.push(`## sandboxkit ${path.join(' ')}`, '');
      if (sub.aliases().length)
        lines.push(
          `Alias: ${sub
            .aliases()
            .map((a) => code(a))
            .join(', ')}`,
          '',
        );
      lines.push(
        cell(sub.description()),
        '',
        '```',
        `sandboxkit ${path.join(' ')}${args ? ` ${args}` : ''}${sub.options.length ? ' [options]' : ''}`,
        '```',
        '',
      );
      if (sub.registeredArguments.length) {
        lines.push('| argument | description |', '| --- | --- |');
        for (const a of sub.registeredArguments) lines.push(`| ${code(a.name())} | ${cell(a.description)} |`);
        lines.push('');
      }
      if (sub.options.length) {
        lines.push('| flag | description | choices | default |', '| --- | --- | --- | --- |');
        for (const o of sub.options) {
          const f = flagsOf(o);
          lines.push(`| ${code(f.flags)} | ${cell(f.description)} | ${cell(f.choices)} | ${cell(f.defaultValue)} |`);
        }
        lines.push('');
      }
      visit(sub, path);
    }
  };
  visit(program, []);
  return `${lines.join('\n').trimEnd()}\n`;
}

/** docs/reference/catalog.md */
export function catalogReference(): string {
  const lines = [
    '# Built-in catalog',
    '',
    '<!-- Generated by `npm run docs` from constructs/catalog/builtin.ts; do not edit. -->',
    '',
    'Every block an instance can list by name, with the chart it installs, the images that chart runs, what it',
    'provides and requires, and where sandboxkit injects values into it. A `catalog` entry of the same name in your',
    'config replaces one.',
    '',
    '| block | chart | version | provides | requires | needs |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  const provides = (labels: Readonly<Record<string, string>>) =>
    Object.entries(labels)
      .map(([k, v]) => (v === 'true' ? k : `${k}=${v}`))
      .join(', ');
  const expr = (r: { key: string; operator: string; values?: readonly string[] }) =>
    `${r.key} ${r.operator}${r.values?.length ? ` ${r.values.join(',')}` : ''}`;
  for (const e of BUILTIN_CATALOG) {
    const requires = [
      ...(e.requires?.strong ?? []).map((r) => r.matchExpressions.map(expr).join(' and ')),
      ...(e.requires?.weak ?? []).map((r) => `(weak) ${r.matchExpressions.map(expr).join(' and ')}`),
    ].join('; ');
    const needs = Object.entries(e.needs ?? {})
      .map(([k, v]) => (typeof v === 'object' ? k : `${k}: ${v}`))
      .join(', ');
    lines.push(
      `| ${code(e.name)} | ${code(`${e.chart.repository} ${e.chart.name}`)} | ${e.chart.version} | ${cell(provides(e.labels))} | ${cell(requires)} | ${cell(needs)} |`,
    );
  }
  lines.push('');
  for (const e of BUILTIN_CATALOG) {
    lines.push(`## ${e.name}`, '');
    lines.push(`- chart: ${code(e.chart.name)} ${e.chart.version} from ${code(e.chart.repository)}`);
    lines.push(`- images: ${(e.images ?? []).map((i) => code(i)).join(', ') || 'none'}`);
    const inject = Object.entries(e.inject ?? {}).map(
      ([k, v]) => `${code(k)} → ${code(typeof v === 'string' ? v : JSON.stringify(v))}`,
    );
    lines.push(`- injected values: ${inject.join(', ') || 'none'}`);
    if (e.credentials?.length) lines.push(`- generated credentials: ${e.credentials.map((c) => code(c)).join(', ')}`);
    const datasets = Object.keys(e.datasets ?? {});
    if (datasets.length) lines.push(`- datasets: ${datasets.map((d) => code(d)).join(', ')}`);
    if (e.podSecurity) lines.push(`- Pod Security: ${e.podSecurity.level} (${cell(e.podSecurity.reason)})`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The generated files, by path from the project root. */
export function referenceFiles(): Record<string, string> {
  return {
    'docs/reference/config.md': configReference(),
    'docs/reference/cli.md': cliReference(),
    'docs/reference/catalog.md': catalogReference(),
  };
}

/** The project folder: the one holding package.json, from the sources or from dist/. */
export function projectRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, 'config', 'types.ts'))) return dir;
  throw new Error(`no project folder above ${__dirname}`);
}

if (require.main === module) {
  const root = projectRoot();
  for (const [file, text] of Object.entries(referenceFiles())) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
}
