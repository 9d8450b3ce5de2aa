import { readFileSync, readdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';

/**
 * Writes constructs/<folder>/README.md: every exported construct, props type
 * and function of the folder, from its source and doc comments. The tests
 * regenerate it and fail when the committed file differs, so it cannot drift.
 */
export const DOC_FOLDERS = ['aws', 'azure', 'gcp', 'existing', 'instance', 'platform', 'catalog', 'shared'] as const;

const TITLES: Record<(typeof DOC_FOLDERS)[number], string> = {
  aws: 'AWS constructs (`sandboxkit/aws`)',
  azure: 'Azure constructs (`sandboxkit/azure`)',
  gcp: 'Google Cloud constructs (`sandboxkit/gcp`)',
  existing: 'Existing-cluster constructs (`sandboxkit/existing`)',
  instance: 'Instance constructs (`sandboxkit`)',
  platform: 'Platform constructs (`sandboxkit`)',
  catalog: 'Building-block catalog (`sandboxkit`)',
  shared: 'Shared-block constructs (`sandboxkit`)',
};

const exported = (node: ts.Node) =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

function jsDoc(node: ts.Node, source: ts.SourceFile): { text: string; defaultValue?: string } {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  const doc = docs[docs.length - 1];
  if (!doc) return { text: '' };
  const text = (
    typeof doc.comment === 'string' ? doc.comment : (doc.comment ?? []).map((c) => c.getText(source)).join('')
  )
    .replace(/\s+/g, ' ')
    .trim();
  const tag = doc.tags?.find((t) => t.tagName.text === 'default');
  const defaultValue = tag
    ? (typeof tag.comment === 'string'
        ? tag.comment
        : (tag.comment ?? []).map((c) => c.getText(source)).join('')
      ).trim()
    : undefined;
  return { text, defaultValue };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

function describeFile(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  for (const stmt of source.statements) {
    if (!exported(stmt)) continue;
    if (ts.isClassDeclaration(stmt) && stmt.name) {
      const ctor = stmt.members.find(ts.isConstructorDeclaration);
      const params = ctor ? ctor.parameters.map((p) => p.getText(source).replace(/\s+/g, ' ')).join(', ') : '';
      const methods = stmt.members
        .filter(
          (m): m is ts.MethodDeclaration =>
            ts.isMethodDeclaration(m) &&
            !(ts.getModifiers(m) ?? []).some((x) => x.kind === ts.SyntaxKind.PrivateKeyword),
        )
        .map(
          (m) =>
            `- \`${m.name.getText(source)}(${m.parameters.map((p) => p.getText(source).replace(/\s+/g, ' ')).join(', ')})\`: ${jsDoc(m, source).text}`,
        );
      out.push(
        `### class \`${stmt.name.text}\``,
        '',
        jsDoc(stmt, source).text,
        '',
        `\`new ${stmt.name.text}(${params})\``,
        '',
        ...(methods.length ? [...methods, ''] : []),
      );
    } else if (ts.isInterfaceDeclaration(stmt)) {
      const heritage = stmt.heritageClauses?.map((h) => h.getText(source)).join(' ') ?? '';
      out.push(
        `### interface \`${stmt.name.text}\`${heritage ? ` ${heritage}` : ''}`,
        '',
        jsDoc(stmt, source).text,
        '',
      );
      const rows = stmt.members.filter(ts.isPropertySignature).map((m) => {
        const doc = jsDoc(m, source);
        return `| \`${m.name.getText(source)}${m.questionToken ? '?' : ''}\` | \`${cell(m.type?.getText(source) ?? '')}\` | ${cell(doc.text)} | ${cell(doc.defaultValue ?? (m.questionToken ? '' : 'required'))} |`;
      });
      if (rows.length) out.push('| field | type | description | default |', '| --- | --- | --- | --- |', ...rows, '');
    } else if (ts.isFunctionDeclaration(stmt) && stmt.name) {
      out.push(
        `### function \`${stmt.name.text}(${stmt.parameters.map((p) => p.name.getText(source)).join(', ')})\``,
        '',
        jsDoc(stmt, source).text,
        '',
      );
    } else if (ts.isTypeAliasDeclaration(stmt)) {
      out.push(
        `### type \`${stmt.name.text}\``,
        '',
        `\`${cell(stmt.type.getText(source))}\``,
        '',
        jsDoc(stmt, source).text,
        '',
      );
    }
  }
  return out;
}

/** The README text of one folder. */
export function folderDocs(root: string, folder: (typeof DOC_FOLDERS)[number]): string {
  const dir = join(root, 'constructs', folder);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .sort();
  const body = files.flatMap((f) => {
    const lines = describeFile(join(dir, f));
    return lines.length ? [`## ${f.replace(/\.ts$/, '')}`, '', ...lines] : [];
  });
  return [
    `# ${TITLES[folder]}`,
    '',
    'Generated from the source by `npm run docs`; the tests fail when it is out of date.',
    '',
    ...body,
  ]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()
    .concat('\n');
}

if (require.main === module) {
  const root = process.cwd();
  for (const folder of DOC_FOLDERS)
    writeFileSync(join(root, 'constructs', folder, 'README.md'), folderDocs(root, folder));
}
