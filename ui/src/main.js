/**
 * The kdns console: one page with a tab per view, fed by the API's event streams (objects on
 * change, figures every second), so it follows the cluster without reloads. Read-only.
 */
import { html, render } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { setToken, stream } from "./api.js";
import { ExplainPage } from "./pages/explain.js";
import { OverviewPage } from "./pages/overview.js";
import { QueriesPage } from "./pages/queries.js";
import { RoutesPage } from "./pages/routes.js";
import { ServicesPage } from "./pages/services.js";
import "./style.css";

const PAGES = [
  ["overview", "Overview", OverviewPage],
  ["services", "Services", ServicesPage],
  ["routes", "Routes", RoutesPage],
  ["queries", "Queries", QueriesPage],
  ["explain", "Explain", ExplainPage],
];

/** Stats kept for the charts: the last minute. */
const HISTORY = 60;

function pageOfHash() {
  const name = location.hash.replace(/^#\/?/, "");
  return PAGES.some(([id]) => id === name) ? name : "overview";
}

function TokenForm({ onDone, refused }) {
  const [value, setValue] = useState("");
  const submit = (e) => {
    e.preventDefault();
    setToken(value.trim());
    onDone();
  };
  return html`<main class="token">
    <h1>kdns console</h1>
    <form onSubmit=${submit}>
      <p>This API server needs a bearer token (one of its <code>--token-file</code> tokens).</p>
      ${refused ? html`<p class="error" role="alert">The API refused that token.</p>` : ""}
      <label for="token">API token</label>
      <input id="token" type="password" autocomplete="current-password" value=${value} onInput=${(e) => setValue(e.target.value)} required />
      <button type="submit">Sign in</button>
    </form>
  </main>`;
}

function App() {
  const [page, setPage] = useState(pageOfHash());
  const [objects, setObjects] = useState(null);
  const [history, setHistory] = useState([]);
  const [parts, setParts] = useState({ dns: true, gateway: true, zone: "cluster.local" });
  const [state, setState] = useState("connecting");
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const onHash = () => setPage(pageOfHash());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  useEffect(() => {
    const stop = new AbortController();
    stream(
      "/kdns/console/events",
      (name, data) => {
        if (name === "objects") setObjects(data);
        else if (name === "parts") setParts(data);
        else if (name === "stats") setHistory((h) => [...h.slice(-(HISTORY - 1)), data]);
      },
      stop.signal,
      setState,
    );
    return () => stop.abort();
  }, [attempt]);
  if (state === "unauthorized")
    return html`<${TokenForm} refused=${attempt > 0} onDone=${() => setAttempt((n) => n + 1)} />`;
  const Page = PAGES.find(([id]) => id === page)[2];
  // The hash names the page, so the skip link moves focus itself.
  const skip = (e) => {
    e.preventDefault();
    document.getElementById("main").focus();
  };
  return html`<a class="skip" href="#main" onClick=${skip}>Skip to content</a>
    <header>
      <a class="brand" href="#/overview">kdns</a>
      <nav aria-label="Pages">
        <ul>
          ${PAGES.map(([id, label]) => html`<li><a href=${`#/${id}`} aria-current=${id === page ? "page" : undefined}>${label}</a></li>`)}
        </ul>
      </nav>
      <span class=${`state ${state}`} role="status">${state === "live" ? "● live" : state}</span>
    </header>
    <main id="main" tabindex="-1">
      <${Page} objects=${objects} history=${history} parts=${parts} />
    </main>`;
}

// Preact renders beside what is there: the loading line goes first.
const root = document.getElementById("app");
root.textContent = "";
render(html`<${App} />`, root);
