/** Services with their cluster IPs, ready endpoints and DNS names. */
import { html } from "htm/preact";
import { useState } from "preact/hooks";

export function ServicesPage({ objects }) {
  const [filter, setFilter] = useState("");
  if (!objects) return html`<h1>Services</h1><p>Loading…</p>`;
  const f = filter.trim().toLowerCase();
  const rows = objects.services.filter((s) => !f || `${s.namespace}/${s.name}`.includes(f));
  return html`<h1>Services <small>(${objects.counts.services ?? 0})</small></h1>
    <p><label for="svc-filter">Filter</label> <input id="svc-filter" type="search" placeholder="namespace/name" value=${filter} onInput=${(e) => setFilter(e.target.value)} /></p>
    <table class="cards">
      <thead><tr><th scope="col">Service</th><th scope="col">Type</th><th scope="col">Cluster IPs</th><th scope="col">Ports</th><th scope="col">Endpoints</th><th scope="col">DNS names</th></tr></thead>
      <tbody>
        ${rows.map(
          (s) => html`<tr key=${`${s.namespace}/${s.name}`}>
            <th scope="row" data-label="Service">${s.namespace}/${s.name}</th>
            <td data-label="Type">${s.type}</td>
            <td data-label="Cluster IPs">${s.clusterIPs.join(", ") || "–"}</td>
            <td data-label="Ports">${s.ports.join(", ") || "–"}</td>
            <td data-label="Endpoints">${s.ready.length ? s.ready.join(", ") : html`<span class="warn">none ready</span>`}${s.notReady ? html` <span class="warn">(${s.notReady} not ready)</span>` : ""}</td>
            <td data-label="DNS names"><ul class="names">${s.dnsNames.map((n) => html`<li><code>${n}</code></li>`)}</ul></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
}
