import type { IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';

/** Where a cloud keeps its key/value metadata on resources. */
export type TagField = 'tags' | 'labels';

interface Taggable {
  tags?: Record<string, string>;
  tagsInput?: Record<string, string>;
  labels?: Record<string, string>;
  labelsInput?: Record<string, string>;
}

/**
 * Adds `tags` to every resource that accepts them, keeping tags a resource set
 * itself. One aspect per stack is the single place tagging policy lives.
 */
export class TagAspect implements IAspect {
  constructor(
    private readonly tags: Readonly<Record<string, string>>,
    private readonly field: TagField = 'tags',
    /** Transforms keys and values where a cloud restricts them (Google labels). */
    private readonly normalize: (tags: Record<string, string>) => Record<string, string> = (t) => t,
  ) {}

  visit(node: IConstruct): void {
    const inputField = `${this.field}Input` as const;
    if (!(inputField in node)) return;
    const target = node as unknown as Taggable;
    const own = (target[inputField] ?? {}) as Record<string, string>;
    target[this.field] = { ...this.normalize({ ...this.tags }), ...own };
  }
}
