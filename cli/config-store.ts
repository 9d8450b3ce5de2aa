import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'fs';
import { parseDocument, type Document } from 'yaml';
import { parseConfig } from '../config/load';
import type { SandboxConfig } from '../config/types';
import { CliError, EXIT } from './io';

const LOCK_WAIT_MS = 30_000;
const LOCK_POLL_MS = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The config file as the CLI changes it: edits keep comments and layout,
 * every change is validated by the same validator as synth, one process
 * writes at a time (a lock file), and a write is all-or-nothing (rename).
 */
export class ConfigStore {
  constructor(readonly file: string) {}

  /** The config as it is on disk, validated. */
  read(): SandboxConfig {
    return parseConfig(this.text(), this.file);
  }

  /** The config `change` would produce, validated, without writing anything. */
  preview(change: (doc: Document) => void): SandboxConfig {
    const doc = parseDocument(this.text());
    change(doc);
    return parseConfig(String(doc), this.file);
  }

  /** Applies `change` under the lock to the file as it is now, validates, and writes atomically. */
  async update(change: (doc: Document) => void): Promise<SandboxConfig> {
    const release = await this.lock();
    try {
      const doc = parseDocument(this.text());
      change(doc);
      const text = String(doc);
      const config = parseConfig(text, this.file);
      const temp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temp, text);
      renameSync(temp, this.file);
      return config;
    } finally {
      release();
    }
  }

  private text(): string {
    try {
      return readFileSync(this.file, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read config ${this.file}: ${(err as Error).message}`);
    }
  }

  private async lock(): Promise<() => void> {
    const path = `${this.file}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return () => rmSync(path, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = Number(readFileSync(path, 'utf8').trim());
        if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
          rmSync(path, { force: true });
          continue;
        }
        if (Date.now() > deadline) throw new CliError(`config ${this.file} is locked by process ${holder}; try again when it has finished`, EXIT.failed);
        await sleep(LOCK_POLL_MS);
      }
    }
  }
}

/** Position of the named instance in the document's `instances`, or -1. */
export function instanceIndex(doc: Document, name: string): number {
  return ((doc.toJS() as { instances?: { name: string }[] }).instances ?? []).findIndex((i) => i.name === name);
}
