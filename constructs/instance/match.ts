import type { MatchExpression, Requirement } from '../catalog/types';
import { compareVersions } from './semver';

/** Whether `labels` satisfy one expression; `Gt`, `Ge`, `Lt` and `Le` compare semantic versions. */
export function matchesExpression(labels: Readonly<Record<string, string>>, expr: MatchExpression): boolean {
  const value = labels[expr.key];
  const values = expr.values ?? [];
  switch (expr.operator) {
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Gt':
      return value !== undefined && compareVersions(value, values[0]) > 0;
    case 'Ge':
      return value !== undefined && compareVersions(value, values[0]) >= 0;
    case 'Lt':
      return value !== undefined && compareVersions(value, values[0]) < 0;
    case 'Le':
      return value !== undefined && compareVersions(value, values[0]) <= 0;
  }
}

/** Whether `labels` satisfy every expression of the requirement. */
export function matchesRequirement(labels: Readonly<Record<string, string>>, requirement: Requirement): boolean {
  return requirement.matchExpressions.every((e) => matchesExpression(labels, e));
}

/** `provides-postgresql Exists, version Gt 14.0.0`, for messages. */
export function describeRequirement(requirement: Requirement): string {
  const exprs = requirement.matchExpressions
    .map((e) => `${e.key} ${e.operator}${e.values?.length ? ` ${e.values.join('|')}` : ''}`)
    .join(', ');
  return requirement.description ? `${requirement.description} (${exprs})` : exprs;
}
