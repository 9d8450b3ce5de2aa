/** A problem the semantic checks found, at a path of the config (e.g. `instances[2].blocks[0]`). */
export interface PathIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}
