import { readFileSync } from 'fs';
import { join } from 'path';

/** A warning a construct added with cdktf `Annotations`, as synthesis recorded it in `manifest.json`. */
export interface SynthWarning {
  readonly stack: string;
  /** Construct path inside the stack. */
  readonly path: string;
  readonly message: string;
}

interface ManifestAnnotation {
  readonly constructPath: string;
  readonly level: string;
  readonly message: string;
}

/** Every warning of the stacks in `outdir`'s manifest, in stack order; none when there is no manifest. */
export function synthWarnings(outdir: string): SynthWarning[] {
  let manifest: { stacks?: Record<string, { annotations?: ManifestAnnotation[] }> };
  try {
    manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  } catch {
    return [];
  }
  return Object.entries(manifest.stacks ?? {}).flatMap(([stack, m]) =>
    (m.annotations ?? [])
      .filter((a) => a.level === '@cdktf/warn')
      .map((a) => ({ stack, path: a.constructPath, message: a.message })),
  );
}

/** One line for a person: the message first, then where it comes from. */
export function formatWarning(w: SynthWarning): string {
  return `warning: ${w.message} (stack ${w.stack}, ${w.path})`;
}
