import { html } from 'hono/html';
import type { MockKind } from '../../constructs/instance/mocks';
import { fromNow } from '../commands/instance/print';
import type { InstanceDocument } from '../lifecycle/status';
import type { Decision } from './access';
import type { InstanceChecks } from './checks';
import type { Html } from './layout';
import { mockLinks } from './mocks';

/** The actions the page offers, in the words of the CLI command that does each. */
export const ACTIONS = ['extend', 'stop', 'start', 'destroy'] as const;
export type WebAction = (typeof ACTIONS)[number];

const when = (now: Date, iso: string | undefined) =>
  iso
    ? html`<time datetime="${iso}" title="${iso}">${fromNow(now, iso)}</time> <span class="muted">(${iso})</span>`
    : '-';

function checkTable(caption: string, rows: InstanceChecks['seeds'], empty: string): Html {
  if (!rows.length) return html`<p>${caption}: ${empty}</p>`;
  return html`<div class="table-wrap">
    <table>
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">Release</th>
          <th scope="col">Object</th>
          <th scope="col">Result</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              <td>${r.release}</td>
              <td>${r.name}</td>
              <td>
                <span
                  class="phase phase-${r.outcome === 'succeeded' ? 'ready' : r.outcome === 'failed' ? 'failed' : 'creating'}"
                  >${r.outcome}</span
                >
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function actionsBlock(doc: InstanceDocument, decision: Decision): Html {
  const name = encodeURIComponent(doc.spec.name);
  if (!decision.allowed) return html`<p class="notice" id="not-allowed">${decision.reason}.</p>`;
  return html`<p class="muted">${decision.reason}; each action asks for confirmation first.</p>
    <div class="actions">
      ${
        doc.status.protected
          ? ''
          : html`<form method="get" action="/instances/${name}/confirm">
              <input type="hidden" name="action" value="extend" />
              <div>
                <label for="ttl">New lifetime from now</label
                ><input
                  id="ttl"
                  name="ttl"
                  value="${`${doc.spec.ttlHours ?? 48}h`}"
                  size="6"
                  aria-describedby="ttl-help"
                />
                <div id="ttl-help" class="muted">hours or days: 8h, 2d</div>
              </div>
              <button type="submit">Extend…</button>
            </form>`
      }
      <form method="get" action="/instances/${name}/confirm">
        <input type="hidden" name="action" value="stop" /><button type="submit">Stop…</button>
      </form>
      <form method="get" action="/instances/${name}/confirm">
        <input type="hidden" name="action" value="start" /><button type="submit">Start…</button>
      </form>
      <form method="get" action="/instances/${name}/confirm">
        <input type="hidden" name="action" value="destroy" /><button class="danger" type="submit">Destroy…</button>
      </form>
    </div>`;
}

/** One instance: its facts, blocks and URLs, pods, seed and test results, mocks, expiry history, last error, actions. */
export function instancePage(
  doc: InstanceDocument,
  checks: InstanceChecks | { readonly problem: string },
  decision: Decision,
  now: Date,
): Html {
  const s = doc.status;
  const blocks = (doc.spec.blocks ?? []).map((b) => (typeof b === 'string' ? b : b.name));
  // Only https:// links: a route's hostname is written by the instance, and a javascript: link must never be made.
  const urlOf = new Map(s.urls.filter((u) => /^https:\/\/[^\s"'<>]+$/.test(u.url)).map((u) => [u.block, u.url]));
  const expiries = s.history.filter((h) => h.action === 'extend' || h.action === 'create');
  const problems = [...s.problems, ...('problem' in checks ? [checks.problem] : [])];
  return html`<h1>Instance ${doc.spec.name}</h1>
    ${problems.map((p) => html`<p class="notice error" role="alert">Not read from the cluster: ${p}</p>`)}
    <dl class="facts">
      <dt>Status</dt>
      <dd>
        <span class="phase phase-${s.phase}" id="phase">${s.phase}</span
        >${s.reason ? html` <span class="muted">(${s.reason})</span>` : ''}
      </dd>
      <dt>Cluster</dt>
      <dd>${s.cluster} <span class="muted">namespace ${s.namespace}</span></dd>
      <dt>Owner</dt>
      <dd>${s.owner}${doc.spec.ownerGroup ? html` <span class="muted">group ${doc.spec.ownerGroup}</span>` : ''}</dd>
      <dt>Template</dt>
      <dd>${s.template ?? '-'}</dd>
      <dt>Created</dt>
      <dd>${when(now, s.createdAt)}</dd>
      <dt>Expires</dt>
      <dd id="expires">${s.protected ? 'never (protected)' : when(now, s.expiresAt)}</dd>
      <dt>Pods ready</dt>
      <dd id="pods">${s.pods ? `${s.pods.ready} of ${s.pods.total}` : '-'}</dd>
      <dt>Cost</dt>
      <dd>
        ${s.dailyCostUsd === null ? '-' : `${s.dailyCostUsd.toFixed(2)} USD/day`}
        <span class="muted">(${s.costBasis})</span>
      </dd>
      <dt>Pod Security</dt>
      <dd>${s.podSecurity}</dd>
      <dt>Last error</dt>
      <dd id="last-error">${s.lastError ? html`<pre>${s.lastError}</pre>` : 'none'}</dd>
    </dl>
    <h2>Actions</h2>
    ${actionsBlock(doc, decision)}
    <h2>Blocks</h2>
    <ul class="cards">
      ${blocks.map((b) => html`<li><strong>${b}</strong><br />${urlOf.has(b) ? html`<a href="${urlOf.get(b)}" rel="noopener noreferrer">${urlOf.get(b)}</a>` : html`<span class="muted">not routed</span>`}${(s.releases ?? []).filter((r) => r.name === b).map((r) => html`<br /><span class="muted">release ${r.status}, revision ${r.revision}, ${r.chart}</span>`)}</li>`)}
    </ul>
    ${
      s.pods?.notReady.length
        ? html`<h2>Pods not ready</h2>
            <ul>
              ${s.pods.notReady.map((p) => html`<li>${p.name}: ${p.reason}</li>`)}
            </ul>`
        : ''
    }
    <h2>Seed data and tests</h2>
    ${'problem' in checks ? '' : html`${checkTable('Seed jobs', checks.seeds, 'no dataset')}${checkTable('Tests (sandboxkit instance test)', checks.tests, 'not run, or its pods are gone')}`}
    <h2>Mocks</h2>
    ${
      doc.spec.mocks?.length
        ? html`<p class="muted">
              Mocks are not routed through the gateway: forward a port to this machine, then open the link.
            </p>
            <ul class="cards">
              ${mockLinks(doc.spec.mocks as MockKind[], s.namespace).map((m) => html`<li><strong>${m.kind}</strong> (${m.service})<br /><code>${m.portForward}</code><br /><a href="${m.journalUrl}" rel="noopener noreferrer">${m.what}</a></li>`)}
            </ul>`
        : html`<p>none</p>`
    }
    ${
      s.warnings?.length
        ? html`<h2>Warning events</h2>
            <ul>
              ${s.warnings.slice(-5).map((w) => html`<li>${w.object} ${w.reason}${w.count > 1 ? ` (x${w.count})` : ''}: ${w.message}</li>`)}
            </ul>`
        : ''
    }
    <h2>Expiry history</h2>
    ${
      expiries.length
        ? html`<ul>
            ${expiries.map((h) => html`<li><time datetime="${h.at}">${h.at}</time> ${h.by}: ${h.action} ${h.outcome}${h.detail ? `: ${h.detail}` : ''}</li>`)}
          </ul>`
        : html`<p>none recorded</p>`
    }
    <h2>History</h2>
    <div class="table-wrap">
      <table id="history">
        <caption>
          Who did what, when (latest last)
        </caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          ${s.history.map(
            (h) =>
              html`<tr>
                <td><time datetime="${h.at}">${h.at}</time></td>
                <td>${h.by}</td>
                <td>${h.action}</td>
                <td>${h.outcome}${h.detail ? html` <span class="muted">${h.detail}</span>` : ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

/** The confirmation of one action: what it will do, and the button that does it (destroy asks for the name). */
export function confirmPage(doc: InstanceDocument, action: WebAction, ttl: string | undefined, csrf: string): Html {
  const name = doc.spec.name;
  const what: Record<WebAction, string> = {
    extend: `Move the expiry of ${name} to ${ttl ?? ''} from now.`,
    stop: `Scale every workload of ${name} to zero. Volumes, Secrets and releases stay; start brings it back.`,
    start: `Scale the workloads of ${name} back to the replicas they had when stopped.`,
    destroy: `Destroy ${name} on cluster ${doc.status.cluster} (namespace ${doc.status.namespace}): every release, volume and Secret of it. This cannot be undone; its history is kept.`,
  };
  return html`<h1>${action[0].toUpperCase()}${action.slice(1)} ${name}?</h1>
    <p>${what[action]}</p>
    <form method="post" action="/instances/${encodeURIComponent(name)}/${action}">
      <input type="hidden" name="_csrf" value="${csrf}" />
      ${ttl !== undefined ? html`<input type="hidden" name="ttl" value="${ttl}" />` : ''}
      ${
        action === 'destroy'
          ? html`<div>
                <label for="confirm-name">Type the instance name to confirm</label
                ><input id="confirm-name" name="confirm" autocomplete="off" required />
              </div>
              <p></p>`
          : ''
      }
      <div class="actions">
        <button type="submit" ${action === 'destroy' ? html` class="danger"` : ''}>
          ${action[0].toUpperCase()}${action.slice(1)} ${name}
        </button>
        <a href="/instances/${encodeURIComponent(name)}">Cancel</a>
      </div>
    </form>`;
}
