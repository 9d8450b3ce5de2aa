import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative } from 'path';
import { preProcessFile } from 'typescript';

const ROOT = join(__dirname, '..');
const SKIP = new Set(['node_modules', 'dist', 'cdktf.out', '.git', '.tools', '.venv']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('imports', () => {
  const files = sourceFiles(ROOT);

  it('load provider classes from their submodules, never a provider package root', () => {
    const offenders = files.filter((f) => /from ['"]@cdktf\/provider-[a-z]+['"]/.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('keep cdktf behind the constructs and stacks layers', () => {
    const users = files
      .filter((f) => /from ['"]cdktf['"]/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f).split('/')[0]);
    expect(
      [...new Set(users)].filter((top) => !['constructs', 'stacks', 'synth', 'test', 'bench'].includes(top)),
    ).toEqual([]);
  });

  it('form no circles, type-only imports included: each module can be read after those it imports', () => {
    const program = files.filter((f) => !/^(test|bench|scripts|examples)\//.test(relative(ROOT, f)));
    const imports = new Map(
      program.map((file) => {
        const { importedFiles } = preProcessFile(readFileSync(file, 'utf8'), true, true);
        const local = importedFiles
          .filter((i) => i.fileName.startsWith('.'))
          .map((i) => join(dirname(file), i.fileName))
          .flatMap((p) => [`${p}.ts`, join(p, 'index.ts')].filter((c) => existsSync(c)).slice(0, 1));
        return [file, local] as const;
      }),
    );
    expect(circles(imports).map((c) => c.map((f) => relative(ROOT, f)))).toEqual([]);
  });
});

/** Every circle of the import graph, each from its first module back to it (a depth-first search). */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): void => {
    const at = path.indexOf(file);
    if (at >= 0) {
      found.push([...path.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return found;
}
