import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'fs';
import { join } from 'path';
import { threadId } from 'worker_threads';

/*
 * Pack file layout: "SKCC", format version, entry count (uint32 LE each), then per entry the
 * key's two numbers and the data's size, then the data of each entry in that order. An
 * entry of size 0 is kept on purpose: it says "compile this one from source".
 */
const MAGIC = 0x43434b53;
const VERSION = 1;
const HEAD = 12;
const ROW = 12;
/** Past either bound the next write compacts: one pack of what that process used replaces all. */
const MAX_PACKS = 16;
const MAX_BYTES = 256 * 1024 * 1024;
const STALE_MS = 10 * 60 * 1000;

/** A cache key: CRC-32 and length of a module's source. */
export interface CodeKey {
  readonly crc: number;
  readonly length: number;
}

interface Location {
  readonly fd: number;
  readonly offset: number;
  readonly size: number;
}

const id = (key: CodeKey) => `${key.crc}:${key.length}`;

function removeIfOlder(path: string, ms: number): void {
  try {
    if (Date.now() - statSync(path).mtimeMs > ms) rmSync(path, { force: true });
  } catch {
    // Gone already: another process cleaned it.
  }
}

/**
 * V8 code cache entries of one Node version, kept in pack files: each run that compiled
 * something new adds one file, because creating a file on a journaling file system costs
 * more than writing a megabyte (600 entry files took 0.45 s, one pack of them 30 ms).
 */
export class CodeCacheStore {
  private readonly index = new Map<string, Location>();
  private readonly packs: string[] = [];
  private readonly fds: number[] = [];
  private readonly used = new Map<string, CodeKey>();
  private readonly added = new Map<string, { key: CodeKey; data: () => Buffer }>();
  private bytes = 0;
  private open = true;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const names = readdirSync(dir);
    // Names start with the time they were written, so a newer pack's entry wins.
    for (const name of names.filter((n) => n.endsWith('.pack')).sort()) this.readIndex(join(dir, name));
    // A pack is written in milliseconds; an older temporary file is what a killed process left.
    for (const name of names.filter((n) => n.endsWith('.tmp'))) removeIfOlder(join(dir, name), STALE_MS);
  }

  /** The entry for `key`: its data, an empty buffer for "from source", or undefined when there is none. */
  get(key: CodeKey): Buffer | undefined {
    const data = this.open ? this.read(id(key)) : undefined;
    if (data) this.used.set(id(key), key);
    return data;
  }

  /** Queues an entry for the next {@link flush}; `data` is called then, after the module ran. */
  add(key: CodeKey, data: () => Buffer): void {
    this.added.set(id(key), { key, data });
  }

  /** Writes the queued entries as one pack and closes the store; nothing is written when none were queued. */
  flush(): void {
    if (!this.open) return;
    this.open = false;
    try {
      if (this.added.size > 0) this.write();
    } finally {
      for (const fd of this.fds) closeSync(fd);
    }
  }

  private write(): void {
    const compact = this.packs.length >= MAX_PACKS || this.bytes >= MAX_BYTES;
    const entries = [...this.added.values()].map(({ key, data }) => ({ key, data: data() }));
    if (compact) {
      for (const [name, key] of this.used) {
        const data = this.added.has(name) ? undefined : this.read(name);
        if (data) entries.push({ key, data });
      }
    }
    const head = Buffer.alloc(HEAD + ROW * entries.length);
    head.writeUInt32LE(MAGIC, 0);
    head.writeUInt32LE(VERSION, 4);
    head.writeUInt32LE(entries.length, 8);
    entries.forEach(({ key, data }, i) => {
      head.writeUInt32LE(key.crc >>> 0, HEAD + ROW * i);
      head.writeUInt32LE(key.length, HEAD + ROW * i + 4);
      head.writeUInt32LE(data.length, HEAD + ROW * i + 8);
    });
    const name = `${Date.now().toString(36).padStart(10, '0')}-${process.pid}-${threadId}.pack`;
    // Written under another name and renamed: a reader never sees half a pack.
    const temporary = join(this.dir, `${name}.tmp`);
    writeFileSync(temporary, Buffer.concat([head, ...entries.map((e) => e.data)]), { mode: 0o600 });
    renameSync(temporary, join(this.dir, name));
    if (compact) for (const pack of this.packs) rmSync(pack, { force: true });
  }

  private read(name: string): Buffer | undefined {
    const location = this.index.get(name);
    if (!location) return undefined;
    const data = Buffer.allocUnsafe(location.size);
    try {
      return readSync(location.fd, data, 0, location.size, location.offset) === location.size ? data : undefined;
    } catch {
      return undefined;
    }
  }

  /** Adds a pack's entries to the index; a pack that is not whole is removed. */
  private readIndex(path: string): void {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return;
    }
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(HEAD);
    const count =
      readSync(fd, head, 0, HEAD, 0) === HEAD && head.readUInt32LE(0) === MAGIC && head.readUInt32LE(4) === VERSION
        ? head.readUInt32LE(8)
        : -1;
    const rows = Buffer.alloc(Math.max(0, count) * ROW);
    if (count < 0 || readSync(fd, rows, 0, rows.length, HEAD) !== rows.length) return this.discard(fd, path);
    let offset = HEAD + rows.length;
    const found: [string, Location][] = [];
    for (let i = 0; i < count; i++) {
      const entrySize = rows.readUInt32LE(ROW * i + 8);
      found.push([
        id({ crc: rows.readUInt32LE(ROW * i), length: rows.readUInt32LE(ROW * i + 4) }),
        { fd, offset, size: entrySize },
      ]);
      offset += entrySize;
    }
    if (offset !== size) return this.discard(fd, path);
    for (const [key, location] of found) this.index.set(key, location);
    this.packs.push(path);
    this.fds.push(fd);
    this.bytes += size;
  }

  private discard(fd: number, path: string): void {
    closeSync(fd);
    rmSync(path, { force: true });
  }
}
