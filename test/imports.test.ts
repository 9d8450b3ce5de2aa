import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';

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
    expect([...new Set(users)].filter((top) => !['constructs', 'stacks', 'test', 'bench'].includes(top))).toEqual([]);
  });
});
