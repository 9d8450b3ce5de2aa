import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'fs';
import { basename, join, relative, resolve } from 'path';
import { gzipSync } from 'zlib';
import { App } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';

const BLOCK = 512;

/** Files of a folder, sorted, as paths relative to it. */
function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path, root) : [relative(root, path)];
    });
}

function tarHeader(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100)
    throw new Error(`packageChart: path "${name}" is longer than a tar header allows (100 bytes)`);
  const header = Buffer.alloc(BLOCK);
  const field = (value: string, offset: number, length: number) => header.write(value, offset, length, 'utf8');
  field(name, 0, 100);
  field('0000644\0', 100, 8);
  field('0000000\0', 108, 8);
  field('0000000\0', 116, 8);
  field(`${size.toString(8).padStart(11, '0')}\0`, 124, 12);
  field('00000000000\0', 136, 12);
  field('        ', 148, 8);
  field('0', 156, 1);
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return header;
}

/**
 * A chart folder as a Helm chart archive (`<name>/...` inside a gzipped tar).
 * Entries are sorted and dated at the epoch, so equal folders give equal bytes.
 */
export function packageChart(dir: string): Buffer {
  const name = basename(dir);
  const parts: Buffer[] = [];
  for (const file of listFiles(dir)) {
    const content = readFileSync(join(dir, file));
    parts.push(
      tarHeader(`${name}/${file}`, content.length),
      content,
      Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK),
    );
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}

const ID = 'SandboxkitChartPackages';

/**
 * The chart archives of one app, each packed once however many stacks install
 * it, and written under the app's output folder.
 */
export class ChartPackages extends Construct {
  /** The app's instance, created on first use. */
  static of(scope: IConstruct): ChartPackages {
    const app = App.of(scope);
    return (app.node.tryFindChild(ID) as ChartPackages | undefined) ?? new ChartPackages(app, ID);
  }

  private readonly archives = new Map<string, string>();

  /** Path of the archive of `dir`, packing it on first request. */
  archive(dir: string): string {
    const known = this.archives.get(dir);
    if (known) return known;
    const bytes = packageChart(dir);
    const folder = resolve(App.of(this).outdir, 'chart-packages');
    const path = join(folder, `${basename(dir)}-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}.tgz`);
    if (!existsSync(path)) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(path, bytes);
    }
    this.archives.set(dir, path);
    return path;
  }
}
