import Module from 'module';
import { dirname } from 'path';

/*
 * cdktf requires `archiver` (and through it about 200 modules of streams, globbing
 * and lodash) as soon as it is loaded, although it zips directory assets in a child
 * process of its own and never calls it in this one; sandboxkit's chart assets are
 * single files anyway. Loading it is a tenth of a small synth. Importing this module
 * first puts a stand-in for it in the module cache that loads the real package if it
 * is ever called.
 */
function deferArchiver(): void {
  let path: string;
  try {
    path = require.resolve('archiver', { paths: [dirname(require.resolve('cdktf'))] });
  } catch {
    return;
  }
  if (require.cache[path]) return;
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  standIn.exports = function archiver(...args: unknown[]): unknown {
    if (require.cache[path] === standIn) delete require.cache[path];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the real package, on first use
    return (require(path) as (...a: unknown[]) => unknown)(...args);
  };
  require.cache[path] = standIn;
}

deferArchiver();
