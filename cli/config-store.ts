import { readFileSync, renameSync, writeFileSync } from 'fs';
import { dirname, resolve } from 'path';
import { parse } from 'yaml';
import { parseConfig, resolveConfigPaths } from '../config/load';
import type { SandboxConfig } from '../config/types';
import { CliError } from './io';
import { withLock } from './lock';
import type { YamlEdit } from './yaml-edit';

/**
 * The config file as the CLI changes it: an edit changes only the bytes of
 * what it edits (cli/yaml-edit.ts), every change is validated by the same
 * validator as synth, one process writes at a time (a lock file), and a write
 * is all-or-nothing (rename).
 */
export class ConfigStore {
  constructor(readonly file: string) {}

  /** The config as it is on disk, validated; paths in it resolved from the file's folder. */
  read(): SandboxConfig {
    return resolveConfigPaths(parseConfig(this.text(), this.file), dirname(resolve(this.file)));
  }

  /** The config `edit` would produce, validated, without writing anything. */
  preview(edit: YamlEdit): SandboxConfig {
    return parseConfig(edit(this.text()), this.file);
  }

  /** Applies the edit `change` returns to the file as it is now, under the lock; validates, and writes atomically. */
  async update(change: (text: string) => YamlEdit | undefined): Promise<SandboxConfig> {
    return withLock(`${this.file}.lock`, `config ${this.file}`, async () => {
      const before = this.text();
      const edit = change(before);
      if (!edit) return parseConfig(before, this.file);
      const text = edit(before);
      const config = parseConfig(text, this.file);
      const temp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temp, text);
      renameSync(temp, this.file);
      return config;
    });
  }

  text(): string {
    try {
      return readFileSync(this.file, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read config ${this.file}: ${(err as Error).message}`);
    }
  }
}

/** Position of the named instance in the config text's `instances`, or -1. */
export function instanceIndex(text: string, name: string): number {
  const data = parse(text) as { instances?: { name?: string }[] } | null;
  return (data?.instances ?? []).findIndex((i) => i?.name === name);
}
