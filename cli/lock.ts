import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'fs';
import { dirname } from 'path';
import { CliError, EXIT } from './io';

const POLL_MS = 50;
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
 * Holds the lock file `path` while `work` runs: one process at a time, a lock
 * left by a process that died is taken over, and waiting longer than `waitMs`
 * is an error that names `what` and the holder.
 */
export async function withLock<T>(path: string, what: string, work: () => Promise<T>, waitMs = 30_000): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: number;
      try {
        holder = Number(readFileSync(path, 'utf8').trim());
      } catch {
        continue; // released between the two calls
      }
      if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
        rmSync(path, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new CliError(`${what} is locked by process ${holder}; try again when it has finished`, EXIT.failed);
      await sleep(POLL_MS);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(path, { force: true });
  }
}
