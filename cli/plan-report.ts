/** One attribute that differs, as a path into the resource (`spec[0].hard["requests.cpu"]`). */
export interface AttributeChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** A resource the next apply would change. */
export interface AuditChange {
  readonly address: string;
  /** create, update, delete, replace. */
  readonly action: string;
  /** Changed outside Terraform since the last apply: the refresh found it different from the state. */
  readonly outside: boolean;
  /** What changed outside (from the refresh) or, for a change of the code, what the apply sets. */
  readonly attributes: readonly AttributeChange[];
}

export interface AuditReport {
  readonly changes: readonly AuditChange[];
  /** Outputs the next apply would add or change; they are no drift of any resource. */
  readonly outputs: readonly string[];
}

interface PlanChange {
  readonly address: string;
  readonly change: { readonly actions: readonly string[]; readonly before?: unknown; readonly after?: unknown };
}

/** `terraform show -json <plan>`, as far as the audit reads it. */
export interface PlanJson {
  readonly resource_changes?: readonly PlanChange[];
  readonly resource_drift?: readonly PlanChange[];
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly string[] }>>;
}

/**
 * Attributes the cluster owns and changes on its own (object versions, generations, uids, status): a difference
 * in one of them is provider noise, never drift.
 */
const OWNED_BY_THE_CLUSTER = /(^|\.)(resource_version|generation|uid|status|creation_timestamp)(\[|\.|$)/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Empty maps, lists and strings are what providers write for "unset" as often as null: they are the same here. */
const empty = (v: unknown) =>
  v === null ||
  v === undefined ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (isObject(v) && Object.keys(v).length === 0);

const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

/** The attributes that differ between two values of a resource, empty and null taken as the same. */
export function attributeChanges(before: unknown, after: unknown, path = ''): AttributeChange[] {
  if (empty(before) && empty(after)) return [];
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length)
    return before.flatMap((b, i) => attributeChanges(b, after[i], `${path}[${i}]`));
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => attributeChanges(before[k], after[k], `${path}${key(k)}`));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const p = path.replace(/^\./, '');
  return OWNED_BY_THE_CLUSTER.test(p) ? [] : [{ path: p, before, after }];
}

const ACTION: Record<string, string> = { 'create,delete': 'replace', 'delete,create': 'replace' };
const actionOf = (actions: readonly string[]) => ACTION[actions.join(',')] ?? actions[0] ?? 'no-op';

/**
 * What an audit reports of a saved plan: every resource the next apply would change, each marked as changed
 * outside the code when the refresh found it different from the state, with the attributes that differ. A drift
 * that the plan does not act on (the provider reading a value back in another form, a field the cluster owns,
 * an annotation the stack ignores) is no change and is not reported.
 */
export function auditReport(plan: PlanJson): AuditReport {
  const drift = new Map((plan.resource_drift ?? []).map((d) => [d.address, d]));
  const changes = (plan.resource_changes ?? [])
    .filter((c) => !['no-op', 'read'].includes(actionOf(c.change.actions)))
    .map((c): AuditChange => {
      const action = actionOf(c.change.actions);
      const d = drift.get(c.address);
      const outside = d ? attributeChanges(d.change.before, d.change.after) : [];
      const attributes = outside.length
        ? outside
        : action === 'update'
          ? attributeChanges(c.change.before, c.change.after)
          : [];
      return {
        address: c.address,
        action,
        outside: outside.length > 0 || (d !== undefined && action !== 'update'),
        attributes,
      };
    });
  const outputs = Object.entries(plan.output_changes ?? {})
    .filter(([, o]) => !['no-op', 'read'].includes(actionOf(o.actions)))
    .map(([name]) => name);
  return { changes, outputs };
}
