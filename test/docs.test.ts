import { readFileSync } from 'fs';
import { join } from 'path';
import { DOC_FOLDERS, folderDocs } from '../scripts/api-docs';
import { SKIPS } from './security/checkov-skips';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('documentation', () => {
  it.each(DOC_FOLDERS)('constructs/%s/README.md matches the source (run npm run docs)', (folder) => {
    expect(readFileSync(join(ROOT, 'constructs', folder, 'README.md'), 'utf8')).toBe(folderDocs(ROOT, folder));
  });

  it('quotes README snippets verbatim from files the compiler or the tests check', () => {
    const snippets = [...README.matchAll(/<!-- snippet: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)];
    expect(snippets.length).toBeGreaterThanOrEqual(2);
    for (const [, file, code] of snippets) {
      expect({ file, found: readFileSync(join(ROOT, file), 'utf8').includes(code) }).toEqual({ file, found: true });
    }
  });

  it('lists every skipped checkov check with its reason in docs/security.md', () => {
    const security = readFileSync(join(ROOT, 'docs', 'security.md'), 'utf8');
    for (const skip of [...SKIPS.terraform, ...SKIPS.options, ...SKIPS.kubernetes])
      expect(security).toContain(`\`${skip.id}\``);
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
