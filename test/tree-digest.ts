import { createHash } from 'crypto';
import { readFileSync, readdirSync, statSync } from 'fs';
import { join, relative } from 'path';

/** SHA-256 of every file below `root` (or of `root` itself), each by its path relative to `root` and its bytes. */
export function treeDigest(root: string): string {
  const hash = createHash('sha256');
  const add = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) add(join(path, name));
    } else {
      hash.update(`${relative(root, path)}\0`).update(readFileSync(path));
    }
  };
  add(root);
  return hash.digest('hex');
}
