import { existsSync } from 'fs';
import { isAbsolute, join, resolve } from 'path';
import { TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';

/** What a Helm release needs to find one chart: a repository and a chart name, or an archive path. */
export interface ChartLocation {
  readonly repository?: string;
  readonly chart: string;
}

/**
 * Where every remote chart of a stack comes from instead of its own repository: a Helm
 * repository served over HTTP(S), an OCI registry path, or a folder of chart archives
 * (a Helm repository on disk, such as a `sandboxkit bundle`). Names and versions stay as
 * pinned; only the location changes. Charts shipped with this package are never mirrored.
 */
export class ChartMirror {
  private static readonly byStack = new WeakMap<TerraformStack, ChartMirror>();

  /**
   * A mirror from its config text: `https://…`, `http://…`, `oci://…`, or a folder,
   * relative to `baseDir` (the config file's folder).
   */
  static parse(location: string, baseDir: string): ChartMirror {
    if (/^https?:\/\/\S+$/.test(location)) return new ChartMirror('repository', location.replace(/\/+$/, ''));
    if (/^oci:\/\/\S+$/.test(location)) return new ChartMirror('oci', location.replace(/\/+$/, ''));
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
      throw new Error(`ChartMirror: "${location}" must be an http(s):// or oci:// URL, or a folder`);
    }
    const folder = isAbsolute(location) ? location : resolve(baseDir, location);
    return new ChartMirror('folder', folder);
  }

  /** Makes every remote chart released under `stack` come from `mirror`. */
  static use(stack: TerraformStack, mirror: ChartMirror | undefined): void {
    if (mirror) ChartMirror.byStack.set(stack, mirror);
  }

  /** The mirror of the stack `scope` belongs to, if any. */
  static of(scope: IConstruct): ChartMirror | undefined {
    return ChartMirror.byStack.get(TerraformStack.of(scope));
  }

  private constructor(
    readonly kind: 'repository' | 'oci' | 'folder',
    /** URL, or absolute folder path. */
    readonly location: string,
  ) {}

  /** Where chart `name` at `version` is found in this mirror. */
  locate(name: string, version: string): ChartLocation {
    if (this.kind !== 'folder') return { repository: this.location, chart: name };
    // `helm package` names archives `<name>-<version>.tgz`, as `helm repo index` lists them.
    const archive = join(this.location, `${name}-${version}.tgz`);
    if (!existsSync(archive)) {
      throw new Error(
        `ChartMirror: chart "${name}" version ${version} is not in the mirror folder ${this.location} (expected ${archive})`,
      );
    }
    return { chart: archive };
  }
}
