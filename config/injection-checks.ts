import { cdktfTokenProblem, templateSyntaxProblem } from '../constructs/instance/tenant-names';
import type { PathIssue } from './path-issue';

type Path = readonly (string | number)[];

/** Whether `path` is inside chart values, which the Helm release escapes for Terraform itself. */
function inChartValues(path: Path): boolean {
  return path.includes('values');
}

/**
 * Strings and numbers of the config that would not reach Terraform as written: cdktf token markers anywhere (keys
 * included), and Terraform template syntax outside chart values (`owner: '${file("/etc/hostname")}@x'` would be
 * evaluated when the stack is planned). Chart values are escaped when a release is written, so they may hold `${`.
 */
export function injectionIssues(data: unknown): PathIssue[] {
  const issues: PathIssue[] = [];
  const visit = (value: unknown, path: Path) => {
    const check = (v: unknown, at: Path) => {
      const problem =
        cdktfTokenProblem(v) ?? (typeof v === 'string' && !inChartValues(at) ? templateSyntaxProblem(v) : undefined);
      if (problem) issues.push({ path: at, message: problem });
    };
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i]));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, v] of Object.entries(value)) {
        check(key, [...path, key]);
        visit(v, [...path, key]);
      }
    } else check(value, path);
  };
  visit(data, []);
  return issues;
}
