/** Whether a Fargate namespace pattern (`*` any run of characters, `?` one) matches `namespace`. */
export function fargatePatternMatches(pattern: string, namespace: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(namespace);
}

/** Why a selector's namespace pattern may not be used, or undefined: one that matches every namespace would take instances' pods. */
export function fargateNamespaceProblem(pattern: string): string | undefined {
  if (/^[*?]+$/.test(pattern)) {
    return `must name platform namespaces, not every namespace ("${pattern}"): Fargate enforces no NetworkPolicy, so instance pods must never land there`;
  }
  return undefined;
}
