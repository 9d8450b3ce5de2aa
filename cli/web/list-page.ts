import { html } from 'hono/html';
import { fromNow } from '../commands/instance/print';
import type { Html } from './layout';

/** One instance in the list: what `instance list --cost` shows of it. */
export interface ListRow {
  readonly name: string;
  readonly cluster: string;
  readonly owner: string | null;
  readonly phase: string;
  readonly blocks: readonly string[];
  readonly expiresAt: string | null;
  readonly protected: boolean;
  readonly dailyCostUsd: number | null;
  /** The cluster did not answer: the phase is the recorded one. */
  readonly unobserved: boolean;
}

export const SORT_KEYS = ['name', 'cluster', 'owner', 'phase', 'expires', 'cost'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** The list's filters and order, from the query string; anything unknown is ignored. */
export interface ListQuery {
  readonly cluster?: string;
  readonly owner?: string;
  readonly phase?: string;
  readonly sort: SortKey;
  readonly dir: 'asc' | 'desc';
}

export function listQuery(q: (name: string) => string | undefined): ListQuery {
  const sort = SORT_KEYS.find((k) => k === q('sort')) ?? 'name';
  const value = (name: string) => q(name) || undefined;
  return {
    cluster: value('cluster'),
    owner: value('owner'),
    phase: value('phase'),
    sort,
    dir: q('dir') === 'desc' ? 'desc' : 'asc',
  };
}

const sortValue = (r: ListRow, key: SortKey): string | number => {
  switch (key) {
    case 'expires':
      return r.protected
        ? Number.MAX_SAFE_INTEGER
        : r.expiresAt
          ? Date.parse(r.expiresAt)
          : Number.MAX_SAFE_INTEGER - 1;
    case 'cost':
      return r.dailyCostUsd ?? -1;
    default:
      return (r[key] ?? '').toString();
  }
};

/** The rows the filters keep, in the order asked for (the name breaks ties). */
export function filterAndSort(rows: readonly ListRow[], q: ListQuery): ListRow[] {
  const kept = rows.filter(
    (r) =>
      (!q.cluster || r.cluster === q.cluster) && (!q.owner || r.owner === q.owner) && (!q.phase || r.phase === q.phase),
  );
  const sign = q.dir === 'desc' ? -1 : 1;
  return kept.sort((a, b) => {
    const x = sortValue(a, q.sort);
    const y = sortValue(b, q.sort);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return c !== 0 ? sign * c : a.name.localeCompare(b.name);
  });
}

const LABELS: Record<SortKey, string> = {
  name: 'Name',
  cluster: 'Cluster',
  owner: 'Owner',
  phase: 'Status',
  expires: 'Expires',
  cost: 'USD/day',
};

function queryString(q: ListQuery, change: Partial<ListQuery>): string {
  const all = { ...q, ...change };
  const params = new URLSearchParams();
  for (const k of ['cluster', 'owner', 'phase', 'sort', 'dir'] as const) if (all[k]) params.set(k, String(all[k]));
  return `?${params.toString()}`;
}

function header(q: ListQuery, key: SortKey, narrow = false): Html {
  const active = q.sort === key;
  const next = active && q.dir === 'asc' ? 'desc' : 'asc';
  return html`<th
    scope="col"
    ${narrow ? html` class="hide-narrow"` : ''}${active ? html` aria-sort="${q.dir === 'asc' ? 'ascending' : 'descending'}"` : html` aria-sort="none"`}
  >
    <a href="${queryString(q, { sort: key, dir: next })}">${LABELS[key]}<span class="skip"> (sort)</span></a>
  </th>`;
}

function select(name: string, label: string, options: readonly string[], value: string | undefined): Html {
  return html`<div>
    <label for="f-${name}">${label}</label
    ><select id="f-${name}" name="${name}">
      <option value="">all</option>
      ${options.map((o) => html`<option${o === value ? html` selected` : ''}>${o}</option>`)}
    </select>
  </div>`;
}

const distinct = (values: readonly (string | null)[]) =>
  [...new Set(values.filter((v): v is string => Boolean(v)))].sort();

/** The instance list: filters, a sortable table, relative expiry and the cost per day. */
export function listPage(all: readonly ListRow[], q: ListQuery, now: Date, warnings: readonly string[]): Html {
  const rows = filterAndSort(all, q);
  const total = rows.reduce((sum, r) => sum + (r.dailyCostUsd ?? 0), 0);
  return html`<h1>Instances</h1>
    ${warnings.map((w) => html`<p class="notice error" role="alert">${w}</p>`)}
    <form class="filters" method="get" action="/" aria-label="Filter instances">
      ${select('cluster', 'Cluster', distinct(all.map((r) => r.cluster)), q.cluster)}
      ${select('owner', 'Owner', distinct(all.map((r) => r.owner)), q.owner)}
      ${select('phase', 'Status', distinct(all.map((r) => r.phase)), q.phase)}
      <input type="hidden" name="sort" value="${q.sort}" /><input type="hidden" name="dir" value="${q.dir}" />
      <button type="submit">Filter</button>
    </form>
    <div class="table-wrap">
      <table>
        <caption>
          ${rows.length} of ${all.length} instances;
          ${
            rows.some((r) => r.dailyCostUsd !== null)
              ? `estimated ${total.toFixed(2)} USD a day at most`
              : 'no cost estimate (existing clusters are not priced)'
          }
        </caption>
        <thead>
          <tr>
            ${header(q, 'name')}${header(q, 'cluster', true)}${header(q, 'owner')}
            <th scope="col" class="hide-narrow">Blocks</th>
            ${header(q, 'phase')}${header(q, 'expires')}${header(q, 'cost', true)}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr>
                <td><a href="/instances/${encodeURIComponent(r.name)}">${r.name}</a></td>
                <td class="hide-narrow">${r.cluster}</td>
                <td>${r.owner ?? '-'}</td>
                <td class="hide-narrow">${r.blocks.join(', ') || '-'}</td>
                <td>
                  <span class="phase phase-${r.phase}">${r.phase}</span
                  >${r.unobserved ? html` <span class="muted">(as recorded: the cluster did not answer)</span>` : ''}
                </td>
                <td>
                  ${r.protected ? 'never (protected)' : r.expiresAt ? html`<time datetime="${r.expiresAt}" title="${r.expiresAt}">${fromNow(now, r.expiresAt)}</time>` : '-'}
                </td>
                <td class="hide-narrow">${r.dailyCostUsd === null ? '-' : r.dailyCostUsd.toFixed(2)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${all.length === 0 ? html`<p>No instances yet. <a href="/create">Create one from a template</a>.</p>` : ''}`;
}
