import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { referenceFiles } from '../scripts/docs-reference';
import { dirname, join } from 'path';
import { DOC_FOLDERS, folderDocs } from '../scripts/api-docs';
import { SKIPS } from './security/checkov-skips';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Every TypeScript source under `dir`, relative to the project root. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every Markdown page under `dir`, relative to the project root. */
function markdownFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

describe('documentation', () => {
  it.each(DOC_FOLDERS)('constructs/%s/README.md matches the source (run npm run docs)', (folder) => {
    expect(readFileSync(join(ROOT, 'constructs', folder, 'README.md'), 'utf8')).toBe(folderDocs(ROOT, folder));
  });

  it.each(Object.entries(referenceFiles()))('%s matches the code (run npm run docs)', (file, text) => {
    expect(readFileSync(join(ROOT, file), 'utf8')).toBe(text);
  });

  it('quotes snippets in the README and docs/ verbatim from files the compiler or the tests check', () => {
    const pages = ['README.md', ...markdownFiles('docs')];
    const snippets = pages.flatMap((page) =>
      [...readFileSync(join(ROOT, page), 'utf8').matchAll(/<!-- snippet: (\S+) -->\n```(\w*)\n([\s\S]*?)\n```/g)].map(
        (m) => [page, m[1]!, m[3]!, m[2]!] as const,
      ),
    );
    expect(snippets.length).toBeGreaterThanOrEqual(4);
    for (const [page, file, code] of snippets) {
      expect({ page, file, found: readFileSync(join(ROOT, file), 'utf8').includes(code) }).toEqual({
        page,
        file,
        found: true,
      });
    }
    // TypeScript comes from the consumers the package test compiles under the strictest settings users turn on.
    const typescript = snippets.filter(([, , , lang]) => /^(ts|typescript)$/.test(lang));
    expect(typescript.length).toBeGreaterThan(0);
    for (const [page, file] of typescript)
      expect({ page, file }).toEqual({ page, file: expect.stringMatching(/^test\/consumer\/[a-z-]+\.ts$/) });
  });

  it('links only to files that exist, from the README and every page of docs/', () => {
    const broken: string[] = [];
    for (const page of ['README.md', 'CONTRIBUTING.md', ...markdownFiles('docs')]) {
      // Code spans and blocks hold patterns and commands, not links.
      const text = readFileSync(join(ROOT, page), 'utf8')
        .replace(/```[\s\S]*?```/g, '')
        .replace(/`[^`\n]*`/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s#]+)(#[^)\s]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(ROOT, dirname(page), target))) broken.push(`${page} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('lists every skipped checkov check with its reason in docs/security.md', () => {
    const security = readFileSync(join(ROOT, 'docs', 'security.md'), 'utf8');
    for (const skip of [...SKIPS.terraform, ...SKIPS.options, ...SKIPS.kubernetes])
      expect(security).toContain(`\`${skip.id}\``);
  });

  it('lists every check checkov crashes on, with what asserts it instead, in docs/security.md', () => {
    const hardening = readFileSync(join(ROOT, 'docs', 'security.md'), 'utf8');
    for (const crash of SKIPS.crashes) expect(hardening).toContain(`\`${crash.id}\``);
  });

  it('lists in the adding-a-cloud guide every file outside a cloud folder that names the clouds', () => {
    const guide = readFileSync(join(ROOT, 'docs', 'guides', 'adding-a-cloud.md'), 'utf8');
    const table = /<!-- cloud-places: begin -->([\s\S]*?)<!-- cloud-places: end -->/.exec(guide)![1];
    const listed = [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]).sort();
    // Google Cloud stands for every cloud: each file that names one names it too.
    const naming = ['cli', 'config', 'constructs', 'stacks']
      .flatMap((dir) => sourceFiles(dir))
      .filter((f) => !f.startsWith('constructs/gcp/') && /['"]gcp['"]/.test(readFileSync(join(ROOT, f), 'utf8')))
      .sort();
    expect(listed).toEqual(naming);
  });

  it('gives exactly two set-up commands on the first screen', () => {
    const setup = /## Set up[\s\S]*?```sh\n([\s\S]*?)```/.exec(README)![1];
    expect(
      setup
        .trim()
        .split('\n')
        .map((l) => l.replace(/\s+#.*$/, '')),
    ).toEqual(['npm ci && npm run synth', 'npm test']);
    expect(README.indexOf('## Set up')).toBeLessThan(1500);
  });
});
