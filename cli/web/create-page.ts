import { html } from 'hono/html';
import { parse } from 'yaml';
import type { Html } from './layout';

/** An environment template of the config, as the create page offers it. */
export interface TemplateChoice {
  readonly name: string;
  readonly description?: string;
  readonly blocks: readonly string[];
  readonly mocks: readonly string[];
  readonly size: string;
  readonly ttlHours: number;
}

const blockNames = (blocks: unknown): string[] =>
  Array.isArray(blocks)
    ? blocks.flatMap((b) => (typeof b === 'string' ? [b] : typeof b?.name === 'string' ? [b.name as string] : []))
    : [];

/** The templates of the config file (they are resolved away when the config is read, so they come from its text). */
export function templatesOf(configText: string): TemplateChoice[] {
  const data = parse(configText) as { templates?: Record<string, unknown>[] } | null;
  return (Array.isArray(data?.templates) ? data.templates : [])
    .filter((t) => typeof t?.name === 'string')
    .map((t) => ({
      name: t.name as string,
      ...(typeof t.description === 'string' ? { description: t.description } : {}),
      blocks: blockNames(t.blocks),
      mocks: Array.isArray(t.mocks) ? t.mocks.map(String) : [],
      size: typeof t.size === 'string' ? t.size : 'small',
      ttlHours: typeof t.ttlHours === 'number' ? t.ttlHours : 48,
    }));
}

/** What the user typed, shown again with the error when the create was refused. */
export interface CreateForm {
  readonly name?: string;
  readonly template?: string;
  readonly cluster?: string;
  readonly ttl?: string;
}

/** Create an instance from a template: the user becomes its owner. */
export function createPage(
  templates: readonly TemplateChoice[],
  clusters: readonly string[],
  owner: string,
  csrf: string,
  form: CreateForm = {},
): Html {
  if (!templates.length)
    return html`<h1>Create an instance</h1>
      <p>
        The config has no templates. Add one under <code>templates:</code> in the config, or create an instance with
        <code>sandboxkit instance create</code>.
      </p>`;
  const chosen = form.template ?? templates[0].name;
  return html`<h1>Create an instance</h1>
    <form method="post" action="/create">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <div>
        <label for="name">Name</label
        ><input
          id="name"
          name="name"
          value="${form.name ?? ''}"
          required
          aria-describedby="name-help"
          autocomplete="off"
        />
        <div id="name-help" class="muted">
          a DNS label: lower-case letters, digits and dashes, at most 53 characters
        </div>
      </div>
      <fieldset>
        <legend>Template</legend>
        <ul class="cards">
          ${templates.map(
            (t) =>
              html`<li>
                <input
                  type="radio"
                  id="t-${t.name}"
                  name="template"
                  value="${t.name}"
                  ${t.name === chosen ? html` checked` : ''}
                />
                <label class="inline" for="t-${t.name}">${t.name}</label>
                ${t.description ? html`<p>${t.description}</p>` : ''}
                <p class="muted">
                  blocks: ${t.blocks.join(', ') || '-'}<br />mocks: ${t.mocks.join(', ') || '-'}<br />size: ${t.size},
                  lifetime ${t.ttlHours}h
                </p>
              </li>`,
          )}
        </ul>
      </fieldset>
      ${
        clusters.length > 1
          ? html`<div>
              <label for="cluster">Cluster</label
              ><select id="cluster" name="cluster">
                ${clusters.map((c) => html`<option${c === form.cluster ? html` selected` : ''}>${c}</option>`)}
              </select>
            </div>`
          : ''
      }
      <div>
        <label for="ttl">Lifetime (optional)</label
        ><input id="ttl" name="ttl" value="${form.ttl ?? ''}" size="6" aria-describedby="ttl-help" />
        <div id="ttl-help" class="muted">hours or days such as 8h or 2d; empty: the template's</div>
      </div>
      <p>The owner will be you, ${owner}. Creating takes a few minutes: the page answers when the instance is ready.</p>
      <button type="submit">Create</button>
    </form>`;
}
