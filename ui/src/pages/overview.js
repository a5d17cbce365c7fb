/** The overview: object counts, informer sync, and the live DNS, gateway and API figures. */
import { html } from "htm/preact";
import { Chart } from "../chart.js";

const fmt = (n, digits = 1) => (n === null || n === undefined ? "–" : Number(n).toFixed(digits));

function Figure({ label, value, unit }) {
  return html`<div class="figure"><dt>${label}</dt><dd>${value}${unit ? html` <small>${unit}</small>` : ""}</dd></div>`;
}

function series(history, pick) {
  return [history.map((s) => s.at / 1000), ...pick.map((f) => history.map((s) => f(s) ?? null))];
}

export function OverviewPage({ objects, history }) {
  const last = history[history.length - 1];
  const counts = objects?.counts ?? {};
  const rcodes = last ? Object.entries(last.dns.rcodes).filter(([, v]) => v > 0) : [];
  const statuses = last?.gateway ? Object.entries(last.gateway.statuses).filter(([, v]) => v > 0) : [];
  const informers = last?.informers ?? [];
  return html`<h1>Overview</h1>
    <section aria-labelledby="objects-h">
      <h2 id="objects-h">Objects</h2>
      <dl class="figures">
        ${Object.entries(counts).map(([k, v]) => html`<${Figure} label=${k} value=${v} />`)}
      </dl>
    </section>
    <section aria-labelledby="dns-h">
      <h2 id="dns-h">DNS</h2>
      <dl class="figures">
        <${Figure} label="queries/s" value=${fmt(last?.dns.qps)} />
        <${Figure} label="cache hit ratio" value=${last?.dns.cacheHitRatio === null || !last ? "–" : `${fmt(last.dns.cacheHitRatio * 100, 0)}%`} />
        <${Figure} label="p99 latency" value=${fmt(last?.dns.p99ms, 2)} unit="ms" />
        ${rcodes.map(([k, v]) => html`<${Figure} label=${k} value=${fmt(v)} unit="/s" />`)}
      </dl>
      <div class="charts">
        <${Chart} title="DNS queries/s" unit="q/s" series=${["all", "NXDOMAIN", "SERVFAIL"]}
          data=${series(history, [(s) => s.dns.qps, (s) => s.dns.rcodes.NXDOMAIN ?? 0, (s) => s.dns.rcodes.SERVFAIL ?? 0])} />
        <${Chart} title="p99 latency" unit="ms" series=${["DNS", "gateway", "API"]}
          data=${series(history, [(s) => s.dns.p99ms, (s) => s.gateway?.p99ms, (s) => s.api.p99ms])} />
      </div>
    </section>
    <section aria-labelledby="gw-h">
      <h2 id="gw-h">Gateway</h2>
      ${
        last?.gateway
          ? html`<dl class="figures">
              <${Figure} label="requests/s" value=${fmt(last.gateway.rps)} />
              <${Figure} label="p99 latency" value=${fmt(last.gateway.p99ms, 2)} unit="ms" />
              ${statuses.map(([k, v]) => html`<${Figure} label=${`status ${k}`} value=${fmt(v)} unit="/s" />`)}
            </dl>
            <${Chart} title="Gateway requests/s" unit="req/s" series=${["all"]} data=${series(history, [(s) => s.gateway?.rps])} />`
          : html`<p class="muted">No gateway request figures in this process (the <code>nginx_ingress_controller_requests</code> family is absent).</p>`
      }
    </section>
    <section aria-labelledby="api-h">
      <h2 id="api-h">API server and informers</h2>
      <dl class="figures">
        <${Figure} label="API requests/s" value=${fmt(last?.api.rps)} />
        <${Figure} label="API p99" value=${fmt(last?.api.p99ms, 2)} unit="ms" />
      </dl>
      <ul class="informers">
        ${informers.map(
          (i) =>
            html`<li class=${i.synced ? "ok" : "bad"}><span aria-hidden="true">${i.synced ? "✓" : "✗"}</span> ${i.component} ${i.resource}: ${i.synced ? "synced" : "not synced"}</li>`,
        )}
      </ul>
    </section>`;
}
