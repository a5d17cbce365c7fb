/** The resolve and route boxes: `kdns explain dns` and `kdns explain route` in the page. */
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { getJson } from "../api.js";

/** Text with `quoted` parts shown as code, as the explanations quote names. */
function Words({ text }) {
  return text.split("`").map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part));
}

const TYPES = ["A", "AAAA", "SRV", "PTR", "CNAME", "TXT", "SOA", "NS", "MX"];

function Records({ title, records }) {
  if (!records.length) return "";
  return html`<h3>${title}</h3>
    <table class="records">
      <thead><tr><th scope="col">Name</th><th scope="col">TTL</th><th scope="col">Type</th><th scope="col">Data</th></tr></thead>
      <tbody>${records.map((r) => html`<tr><td><code>${r.name}</code></td><td>${r.ttl}</td><td>${r.type}</td><td><code>${r.data}</code></td></tr>`)}</tbody>
    </table>`;
}

function DnsResult({ e }) {
  return html`<div class="result" data-testid="dns-result">
    ${
      e.search
        ? html`<p>Asked from a pod in namespace <b>${e.search.namespace}</b>:</p>
      <ol class="names">${e.search.steps.map((s) => html`<li><code>${s.name}</code> ${s.rcode}${s.answers ? ` (${s.answers})` : ""}</li>`)}</ol>`
        : ""
    }
    <p class="verdict"><code>${e.question.name}</code> ${e.question.type}: <b class=${e.rcode === "NOERROR" ? "ok" : "bad"}>${e.rcode}</b>,
      answered by <b>${e.answeredBy}</b>${e.upstream ? ` (upstream ${e.upstream})` : ""}</p>
    <${Records} title="Answer" records=${e.answers} />
    <${Records} title="Additional" records=${e.additionals} />
    <h3>Why</h3>
    <ul class="why">
      ${e.plugins.map(
        (n) => html`<li><b>${n.plugin}</b> ${n.verdict}: <${Words} text=${n.reasons.filter(Boolean).join("; ")} />
          ${n.objects?.length ? html`<br /><small>from ${n.objects.join(", ")}</small>` : ""}
          ${n.cache ? html`<br /><small>cached ${n.cache.ageSeconds} s ago, ${n.cache.ttlSeconds} s left</small>` : ""}</li>`,
      )}
    </ul>
    ${
      e.endpoints?.length
        ? html`<h3>Endpoints</h3>
            <ul class="why">${e.endpoints.map((a) => html`<li><code>${a.ip}</code>${a.hostname ? ` (${a.hostname})` : ""}${a.pod ? ` pod ${a.pod}` : ""}: <span class=${a.ready ? "ok" : "bad"}>${a.ready ? "ready" : "not ready"}</span></li>`)}</ul>`
        : ""
    }
    ${e.suggestion ? html`<p class="hint"><${Words} text=${e.suggestion} /></p>` : ""}
  </div>`;
}

function RouteResult({ e }) {
  const answer = e.outcome === "proxied" ? "proxied to a backend" : `${e.status} (${e.outcome})`;
  return html`<div class="result" data-testid="route-result">
    <p class="verdict"><code>${e.url}</code>: <b class=${e.outcome === "proxied" ? "ok" : "bad"}>${answer}</b> <small>(engine ${e.engine})</small></p>
    <dl class="facts">
      ${e.object ? html`<dt>Route</dt><dd>${e.object}, prefix <code>${e.prefix}</code> → ${e.target}</dd>` : ""}
      ${e.rewrittenPath !== undefined ? html`<dt>Backend path</dt><dd><code>${e.path}</code> → <code>${e.rewrittenPath}</code></dd>` : ""}
      ${e.backends ? html`<dt>Backends</dt><dd>${e.backends.join(", ") || "none ready"}${e.next ? html`; next: <b>${e.next}</b>` : ""}</dd>` : ""}
      ${e.notReady ? html`<dt>Not ready</dt><dd>${e.notReady.join(", ")} <small>(not routed to)</small></dd>` : ""}
      ${e.location ? html`<dt>Location</dt><dd>${e.location}</dd>` : ""}
      ${e.certificate ? html`<dt>Certificate</dt><dd>Secret ${e.certificate.secret}: ${e.certificate.names.join(", ")}, until ${e.certificate.notAfter}</dd>` : ""}
    </dl>
    <h3>Why</h3>
    <ul class="why">${e.reasons.map((r) => html`<li>${r}</li>`)}</ul>
  </div>`;
}

function useAsk() {
  const [result, setResult] = useState(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const ask = async (path) => {
    setBusy(true);
    setError("");
    try {
      setResult(await getJson(path));
    } catch (err) {
      setResult(null);
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return { result, error, busy, ask };
}

export function ExplainPage({ parts }) {
  const [name, setName] = useState("");
  const [type, setType] = useState("A");
  const [from, setFrom] = useState("");
  const [url, setUrl] = useState("");
  const dns = useAsk();
  const route = useAsk();
  const resolve = (e) => {
    e.preventDefault();
    const q = new URLSearchParams({ name, type });
    if (from.trim()) q.set("from", from.trim());
    dns.ask(`/kdns/explain/dns?${q}`);
  };
  const routeIt = (e) => {
    e.preventDefault();
    route.ask(`/kdns/explain/route?${new URLSearchParams({ url })}`);
  };
  return html`<h1>Explain</h1>
    <section aria-labelledby="resolve-h" class="box">
      <h2 id="resolve-h">Resolve</h2>
      <form onSubmit=${resolve} class="ask">
        <div><label for="dns-name">Name or IP</label>
          <input id="dns-name" required value=${name} placeholder=${`web.shop.svc.${parts.zone}`} onInput=${(e) => setName(e.target.value)} /></div>
        <div><label for="dns-type">Type</label>
          <select id="dns-type" value=${type} onChange=${(e) => setType(e.target.value)}>${TYPES.map((t) => html`<option>${t}</option>`)}</select></div>
        <div><label for="dns-from">From pod IP <small>(optional)</small></label>
          <input id="dns-from" value=${from} inputmode="decimal" onInput=${(e) => setFrom(e.target.value)} /></div>
        <button type="submit" disabled=${dns.busy || !parts.dns}>Resolve</button>
      </form>
      <div aria-live="polite">
        ${dns.error ? html`<p class="error" role="alert">${dns.error}</p>` : ""}
        ${dns.result ? html`<${DnsResult} e=${dns.result} />` : ""}
      </div>
    </section>
    <section aria-labelledby="route-h" class="box">
      <h2 id="route-h">Route</h2>
      <form onSubmit=${routeIt} class="ask">
        <div class="wide"><label for="route-url">URL</label>
          <input id="route-url" required type="text" value=${url} placeholder="http://shop.example.com/api/" onInput=${(e) => setUrl(e.target.value)} /></div>
        <button type="submit" disabled=${route.busy || !parts.gateway}>Explain route</button>
      </form>
      <div aria-live="polite">
        ${route.error ? html`<p class="error" role="alert">${route.error}</p>` : ""}
        ${route.result ? html`<${RouteResult} e=${route.result} />` : ""}
      </div>
    </section>`;
}
