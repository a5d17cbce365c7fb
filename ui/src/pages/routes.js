/** DNSRecords (and Ingresses and HTTPRoutes where kdns has them) with their routes and Served state. */
import { html } from "htm/preact";

function Served({ served }) {
  if (!served) return html`<span class="muted">no status yet</span>`;
  const ok = served.status === "True";
  return html`<span class=${ok ? "ok" : "bad"}>${ok ? "✓ Served" : `✗ ${served.reason || "Not served"}`}</span>${served.message ? html`<br /><small>${served.message}</small>` : ""}`;
}

export function RoutesPage({ objects }) {
  if (!objects) return html`<h1>Routes</h1><p>Loading…</p>`;
  return html`<h1>Routes <small>(${objects.routes.length})</small></h1>
    <table class="cards">
      <thead><tr><th scope="col">Object</th><th scope="col">Hosts</th><th scope="col">Paths</th><th scope="col">Served</th></tr></thead>
      <tbody>
        ${objects.routes.map(
          (r) => html`<tr key=${`${r.kind}/${r.namespace}/${r.name}`}>
            <th scope="row" data-label="Object">${r.kind} ${r.namespace}/${r.name}</th>
            <td data-label="Hosts">${r.hosts.map((h) => html`<code>${h}</code> `)}</td>
            <td data-label="Paths"><ul class="names">${r.paths.map((p) => html`<li><code>${p.path}</code> → ${p.target}</li>`)}</ul></td>
            <td data-label="Served"><${Served} served=${r.served} /></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
}
