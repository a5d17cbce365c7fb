/** The live query stream: the latest answered DNS queries, filtered by name or client. */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { stream } from "../api.js";

const KEEP = 200;

export function QueriesPage() {
  const [events, setEvents] = useState([]);
  const [dropped, setDropped] = useState(0);
  const [filter, setFilter] = useState("");
  const [paused, setPaused] = useState(false);
  const [state, setState] = useState("connecting");
  useEffect(() => {
    if (paused) return undefined;
    const stop = new AbortController();
    stream(
      "/kdns/console/queries",
      (name, batch) => {
        if (name !== "queries") return;
        setEvents((e) => [...batch.events.reverse(), ...e].slice(0, KEEP));
        if (batch.dropped) setDropped((d) => d + batch.dropped);
      },
      stop.signal,
      setState,
    );
    return () => stop.abort();
  }, [paused]);
  const f = filter.trim().toLowerCase();
  const shown = events.filter((e) => !f || e.name.includes(f) || e.client.includes(f));
  return html`<h1>Queries</h1>
    <div class="toolbar" data-stream=${paused ? "paused" : state}>
      <label for="q-filter">Filter by name or client</label>
      <input id="q-filter" type="search" value=${filter} onInput=${(e) => setFilter(e.target.value)} />
      <button type="button" onClick=${() => setPaused((p) => !p)} aria-pressed=${paused}>${paused ? "Resume" : "Pause"}</button>
      <span class="muted" role="status">${shown.length} shown</span>
      ${dropped ? html`<span class="muted">${dropped} not shown (over 200 per 100 ms)</span>` : ""}
    </div>
    <table class="cards queries">
      <thead><tr><th scope="col">Time</th><th scope="col">Client</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Rcode</th><th scope="col">ms</th><th scope="col">Answered by</th></tr></thead>
      <tbody>
        ${shown.map(
          (e, i) => html`<tr key=${`${e.at}-${i}`}>
            <td data-label="Time">${new Date(e.at).toLocaleTimeString()}</td>
            <td data-label="Client">${e.client}</td>
            <th scope="row" data-label="Name"><code>${e.name}</code></th>
            <td data-label="Type">${e.type}</td>
            <td data-label="Rcode" class=${e.rcode === "NOERROR" ? "" : "warn"}>${e.rcode}</td>
            <td data-label="ms">${e.ms}</td>
            <td data-label="Answered by">${e.plugin}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${shown.length === 0 ? html`<p class="muted">Waiting for queries…</p>` : ""}`;
}
