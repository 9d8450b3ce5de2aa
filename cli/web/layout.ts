import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { WebUser } from './access';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** What every page shows around its content: who is signed in, and how. */
export interface Frame {
  readonly title: string;
  readonly user: WebUser;
  /** How the user was identified, for the header: "signed in through the proxy", "not signed in: this machine only". */
  readonly signIn: string;
  readonly signOut?: boolean;
  readonly csrf: string;
}

/** The stylesheet, served as /style.css (no inline styles: the Content-Security-Policy allows none). */
export const STYLE = `
:root { color-scheme: light; --fg: #1a1a1a; --muted: #4a4a4a; --line: #c8c8c8; --link: #0b4fb3; --bg: #ffffff;
  --panel: #f4f5f7; --ok: #135c25; --warn: #7a4b00; --bad: #a4161a; --focus: #1f5fd6; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px; }
header { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: center; padding: 12px 16px;
  border-bottom: 1px solid var(--line); background: var(--panel); }
header .brand { font-weight: 700; margin-right: auto; } header nav a { margin-right: 16px; }
header .who { color: var(--muted); font-size: 14px; }
main { padding: 16px; max-width: 1200px; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: 0 0 12px; } h2 { font-size: 1.2rem; margin: 24px 0 8px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; } caption { text-align: left; color: var(--muted); padding: 4px 0; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th a { text-decoration: none; } th[aria-sort] a::after { content: ' \\2195'; }
th[aria-sort=ascending] a::after { content: ' \\2191'; } th[aria-sort=descending] a::after { content: ' \\2193'; }
.phase { font-weight: 600; } .phase-ready { color: var(--ok); } .phase-failed, .phase-expired { color: var(--bad); }
.phase-stopped, .phase-gone { color: var(--muted); } .phase-creating, .phase-updating, .phase-stopping,
.phase-starting, .phase-destroying, .phase-pending { color: var(--warn); }
form.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; margin-bottom: 12px; }
label { display: block; font-weight: 600; font-size: 14px; }
input, select, button { font: inherit; padding: 6px 10px; border: 1px solid #767676; border-radius: 4px; }
button { background: var(--link); color: #fff; border-color: var(--link); cursor: pointer; min-height: 44px; }
button.danger { background: var(--bad); border-color: var(--bad); } button.plain { background: var(--bg); color: var(--link); }
.actions { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; }
.actions form { display: flex; gap: 8px; align-items: flex-end; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
.notice { padding: 8px 12px; border-left: 4px solid var(--link); background: var(--panel); margin: 12px 0; }
.error { border-left-color: var(--bad); } .done { border-left-color: var(--ok); }
code { overflow-wrap: anywhere; }
pre { white-space: pre-wrap; word-break: break-word; background: var(--panel); padding: 8px; }
.muted { color: var(--muted); } label.inline { display: inline; }
fieldset { border: 1px solid var(--line); margin: 12px 0; } legend { font-weight: 600; }
ul.cards { list-style: none; padding: 0; display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); }
ul.cards li { border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
@media (max-width: 640px) { main { padding: 8px; overflow-wrap: anywhere; } th, td { overflow-wrap: normal; } .hide-narrow { display: none; } dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: 8px; } }
`;

/** A whole page. */
export function page(frame: Frame, content: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${frame.title} · sandboxkit</title>
        <link rel="stylesheet" href="/style.css" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <span class="brand">sandboxkit</span>
          <nav aria-label="Main"><a href="/">Instances</a><a href="/create">Create</a></nav>
          <span class="who">${frame.user.name} <span class="muted">(${frame.signIn})</span></span>
          ${frame.signOut ? html`<form method="post" action="/auth/logout"><input type="hidden" name="_csrf" value="${frame.csrf}" /><button class="plain" type="submit">Sign out</button></form>` : ''}
        </header>
        <main id="main">${content}</main>
      </body>
    </html>`;
}

/** A message above the content: what was done, or what went wrong (as the CLI says it). */
export function notice(kind: 'done' | 'error', text: string): Html {
  return kind === 'error'
    ? html`<div class="notice error" role="alert">
        <strong>Not done.</strong>
        <pre>${text}</pre>
      </div>`
    : html`<div class="notice done" role="status">${text}</div>`;
}
