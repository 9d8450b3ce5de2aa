import { rmSync } from 'fs';

/** Removes the run's temporary folder made by tmpdir.setup.ts. */
export default function teardown(): void {
  const dir = process.env.SANDBOXKIT_TEST_TMPDIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
