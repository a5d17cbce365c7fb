/**
 * `npm run bench:change-live`: only the change-live part of `npm run bench:gateway`, for one engine
 * (`--engine builtin|nginx`, default builtin), without pinning or wrk: how long a DNSRecord path
 * change takes to be served (the same change, switch-record.ts), without and then with `--routes N`
 * (default 1,000) HTTPRoutes loaded (http-routes.ts),
 * and what each gateway pass spent per phase (the controller's `pass` and `statuses` debug
 * lines). Each round starts once the gateway has been idle for a second (bench:gateway does not
 * wait: there the statuses of the routes just loaded are still being written). A quick check
 * of the gateway controller's cost per change while working on it; the figures for the record
 * come from bench:gateway.
 * `--changes K` changes per round (default 20); `--cpu-prof DIR` runs the gateway under
 * `node --cpu-prof` and leaves its profile in DIR.
 */
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resourceByPath } from "../../src/api/resources.ts";
import type { DNSRecord } from "../../src/api/types.ts";
import { freePort } from "../../test/support/free-port.ts";
import { percentile } from "../dns/dnsperf.ts";
import { startApi } from "../dns/kdns.ts";
import { type Child, progress, startPinned } from "../support/proc.ts";
import { waitHttp } from "./http.ts";
import { loadHttpRoutes, routeHost } from "./http-routes.ts";
import { RecordSwitch } from "./switch-record.ts";

/** The value after `flag` on the command line, if given. */
function option(flag: string): string | undefined {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function wholeNumber(flag: string, fallback: number): number {
  const raw = option(flag);
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`change-live: ${flag} takes a positive whole number, got ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return n;
}

const routeCount = wholeNumber("--routes", 1000);
const changes = wholeNumber("--changes", 20);
const profileDir = option("--cpu-prof");
const engine = option("--engine") ?? "builtin";
if (engine !== "builtin" && engine !== "nginx") {
  console.error(`change-live: --engine takes builtin or nginx, got ${JSON.stringify(engine)}`);
  process.exit(1);
}
const HOST = "bench.test";
const PHASES = ["attach", "translate", "build", "apply"] as const;
const DNSRECORDS = resourceByPath("kdns.dev", "dnsrecords")!;
const kdns = join(fileURLToPath(new URL("../..", import.meta.url)), "src/bin/kdns.js");

/** A backend on `ip` answering every request with `mark`. */
async function backend(ip: string, port: number, mark: string): Promise<Server> {
  const server = createServer((_req, res) => res.end(mark));
  server.listen(port, ip);
  await once(server, "listening");
  return server;
}

/** The gateway's debug lines `msg` in `output` from character `from` on. */
function debugLines(output: string, from: number, msg: "pass" | "statuses"): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  for (const line of output.slice(from).split("\n")) {
    if (!line.includes(`"msg":"${msg}"`)) continue;
    try {
      out.push(JSON.parse(line) as Record<string, number>);
    } catch {
      // a line cut by the slice
    }
  }
  return out;
}

const dir = await mkdtemp(join(tmpdir(), "kdns-change-live-"));
const stops: (() => Promise<void>)[] = [];
try {
  const port = await freePort();
  const backends = [
    { ip: "127.1.1.1", mark: "A" },
    { ip: "127.1.1.2", mark: "B" },
  ];
  for (const b of backends) {
    const server = await backend(b.ip, port, b.mark);
    stops.push(() => new Promise((r) => server.close(() => r())));
  }
  const api = await startApi();
  stops.push(() => api.child.stop());
  await api.client.create(DNSRECORDS, "default", {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "bench", namespace: "default" },
    spec: { host: HOST, paths: [{ path: "/", address: backends[0]!.ip, port }] },
  } satisfies DNSRecord);
  const gwPort = await freePort();
  const gateway: Child = startPinned(
    undefined,
    process.execPath,
    [
      ...(profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : []),
      kdns,
      "gateway",
      "--server",
      api.url,
      "--gateway",
      engine,
      "--gateway-listen",
      `127.0.0.1:${gwPort}`,
      "--gateway-tls-listen",
      "none",
      "--data-dir",
      join(dir, "gateway"),
      "--health-listen",
      "127.0.0.1:0",
    ],
    { ...process.env, KDNS_LOG_LEVEL: "debug" },
  );
  stops.unshift(() => gateway.stop());
  const url = `http://127.0.0.1:${gwPort}/`;
  await waitHttp(url, HOST, gateway);

  const record = new RecordSwitch(api.client, HOST, [backends[0]!, backends[1]!], port);

  /**
   * Waits until the gateway's last pass has its statuses written and it logged nothing more for a
   * second: what came before is all handled.
   */
  async function settled(): Promise<void> {
    for (let seen = -1; ; ) {
      const output = gateway.output();
      const done = output.lastIndexOf('"msg":"statuses"') > output.lastIndexOf('"msg":"pass"');
      if (done && output.length === seen) return;
      seen = output.length;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  async function round(label: string): Promise<void> {
    await settled();
    const from = gateway.output().length;
    const live: number[] = [];
    for (let i = 0; i < changes; i++) live.push(await record.once(url));
    await settled(); // the gateway's lines of the last passes arrive after their changes are served
    const passes = debugLines(gateway.output(), from, "pass");
    const median = (values: number[]): string => (values.length > 0 ? percentile(values, 50).toFixed(1) : "-");
    const statuses = debugLines(gateway.output(), from, "statuses").map((x) => x["status"] ?? 0);
    const phases = [
      ...PHASES.map((p) => `${p} ${median(passes.map((x) => x[p] ?? 0))}`),
      `then statuses ${median(statuses)}`,
    ].join(", ");
    progress(
      `${label}: change live p50 ${percentile(live, 50).toFixed(1)} ms, p99 ${percentile(live, 99).toFixed(1)} ms; ` +
        `${passes.length} passes, median ms per phase: ${phases}`,
    );
  }

  const name = engine === "nginx" ? "nginx engine" : "built-in engine";
  await round(name);
  const routes = routeCount.toLocaleString("en-US");
  progress(`loading ${routes} HTTPRoutes`);
  await loadHttpRoutes(api.client, routeCount, { ip: backends[0]!.ip, port });
  await waitHttp(url, routeHost(routeCount - 1), gateway, () => true, 120_000);
  await round(`${name}, ${routes} HTTPRoutes`);
} finally {
  for (const stop of stops) await stop();
  await rm(dir, { recursive: true, force: true });
}
