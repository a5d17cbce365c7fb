/**
 * `npm run bench:scale`: the control plane with many objects, measured as a user would with
 * `kdns up` (no gateway), on the embedded store and on etcd. Objects are created through the API
 * with 32 requests in flight (kdns has no kubelet: pods are written with a Ready status, as kwok's
 * fake nodes do). For each size: create rate over time (first vs last 10% of the pods), p99 of
 * the single-object writes during the load, peak RSS, endpoints-controller lag and DNS
 * propagation while 100 pods a second change readiness, `kubectl get pods -A`, then a restart
 * on the same data until /readyz passes and the RSS after it. Writes the scale section of
 * BENCHMARKS.md and bench/results/scale.svg. `--quick` runs small sizes (to try the harness);
 * `--profile DIR` makes every `kdns up` write a V8 CPU profile into DIR on exit; `--stores=embedded`
 * and `--sizes=1000/10000,10000/100000` (services/pods) pick what is measured; rows of stores not
 * measured are kept from bench/results/scale-rows.json, and `--render` only redraws from it.
 */
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { resourceByPath } from "../../src/api/resources.ts";
import { startEtcd, type TestEtcd } from "../../test/support/etcd.ts";
import { startFakeUpstream } from "../../test/support/fake-upstream.ts";
import { parseSamples, sumOf } from "../../test/support/prom-text.ts";
import { DnsProbe } from "../support/dns-probe.ts";
import { memoryMiB, progress } from "../support/proc.ts";
import { formatNumber, lineCharts, type Panel, writeSection } from "../support/report.ts";
import { startUp, type Up, type UpConfig } from "./kdns-up.ts";
import { scaleObjects } from "./objects.ts";
import { pagedTableList } from "./paged-list.ts";
import { PhaseMarks } from "./phase-marks.ts";
import { queuesDrained } from "./queues-drained.ts";
import { type FlipTarget, readinessFlips } from "./readiness-flips.ts";
import { type CreateTimes, createTimed, firstLastRates, percentile } from "./timed-creates.ts";
import { gcBetween, perUnit, workCounts } from "./work-counts.ts";

const quick = process.argv.includes("--quick");
const profileArg = process.argv.indexOf("--profile");
const profileDir = profileArg > 0 ? resolve(process.argv[profileArg + 1] ?? "profiles") : undefined;
const storesArg = process.argv.find((a) => a.startsWith("--stores="));
const stores = (storesArg?.slice("--stores=".length).split(",") ?? ["embedded", "etcd"]) as UpConfig["store"][];
const sizesArg = process.argv.find((a) => a.startsWith("--sizes="));
const sizes: { services: number; pods: number }[] = sizesArg
  ? sizesArg
      .slice("--sizes=".length)
      .split(",")
      .map((pair) => {
        const [services, pods] = pair.split("/").map(Number);
        return { services: services ?? 0, pods: pods ?? 0 };
      })
  : quick
    ? [
        { services: 200, pods: 2_000 },
        { services: 500, pods: 5_000 },
      ]
    : [
        { services: 1_000, pods: 10_000 },
        { services: 10_000, pods: 50_000 },
        { services: 10_000, pods: 100_000 },
      ];
const NAMESPACES = quick ? 10 : 100;
const FLIPS_PER_SECOND = 100;
const FLIP_SECONDS = quick ? 3 : 10;
const ZONE = "cluster.local";
const root = fileURLToPath(new URL("../..", import.meta.url));

/** How many watchers the API server at `url` has closed for falling behind (each then relisted). */
async function terminatedWatchers(url: string): Promise<number> {
  return sumOf(parseSamples(await (await fetch(`${url}/metrics`)).text()), "apiserver_terminated_watchers_total");
}
const info = {
  namespaces: resourceByPath("", "namespaces")!,
  services: resourceByPath("", "services")!,
  pods: resourceByPath("", "pods")!,
};

for (const tool of ["kubectl", ...(stores.includes("etcd") ? ["etcd"] : [])]) {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`]);
  } catch {
    console.error(`bench: ${tool} not found: run scripts/setup.sh --test-tools (or apt-get install -y etcd-server)`);
    process.exit(1);
  }
}

const { nsOf, headless, podIp, service, pod } = scaleObjects(NAMESPACES);

/** The figures of one size on one store. */
interface Row {
  store: string;
  services: number;
  pods: number;
  serviceRate: number;
  podRate: number;
  firstRate: number;
  lastRate: number;
  writeP50: number;
  writeP99: number;
  peakRss: number;
  settleMs: number;
  /** How long after the last create the controllers' work queues were empty (rows before it: absent). */
  drainedMs?: number;
  sliceP50: number;
  sliceP99: number;
  dnsP50: number;
  dnsP99: number;
  missed: number;
  kubectlMs: number;
  kubectlRows: number;
  /** The same list served page by page without kubectl: total, and first / last pages' median (ms). */
  serverListMs?: number;
  firstPageMs?: number;
  lastPageMs?: number;
  readyMs: number;
  rssAfterRestart: number;
  /** The machine's load average around the run that measured the row. */
  load?: string;
}

/**
 * Resolves once DNS answers `name` with `count` addresses: the ms from `since` (a performance.now()
 * time) until the last Service's endpoints reached DNS.
 */
async function settle(dnsPort: number, name: string, count: number, since: number): Promise<number> {
  const probe = await DnsProbe.open(dnsPort);
  try {
    while (performance.now() - since < 600_000) {
      const r = await probe.ask(name, "A", 1000);
      if (r && r.answers.length >= count) return Math.round(performance.now() - since);
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`${name} never answered ${count} addresses`);
  } finally {
    probe.close();
  }
}

/** `kubectl get pods -A` (the default table, paged by kubectl 500 at a time): rows and time. */
async function kubectlGetPods(kubeconfig: string): Promise<{ ms: number; rows: number }> {
  const started = Date.now();
  const child = spawn("kubectl", ["--kubeconfig", kubeconfig, "get", "pods", "-A", "--no-headers"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let rows = 0;
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    for (const b of d) if (b === 10) rows++;
  });
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`kubectl get pods -A exited ${code}: ${err.slice(-500)}`);
  return { ms: Date.now() - started, rows };
}

async function measure(store: UpConfig["store"], size: (typeof sizes)[number], etcd?: TestEtcd): Promise<Row> {
  const label = `${store}, ${size.services} services + ${size.pods} pods`;
  progress(`${label}: starting kdns up`);
  const dataDir = await mkdtemp(join(tmpdir(), "kdns-bench-scale-"));
  const config: UpConfig = {
    store,
    dataDir,
    upstreamPort: upstream.port,
    ...(etcd ? { etcdEndpoint: etcd.endpoint, etcdPrefix: `/bench-${size.services}-${size.pods}/` } : {}),
    ...(profileDir ? { profileDir } : {}),
  };
  let up: Up | undefined = await startUp(config);
  const marks = new PhaseMarks();
  const pid = up.child.proc.pid!;
  try {
    marks.mark("services");
    for (let n = 0; n < NAMESPACES; n++)
      await up.client.create(info.namespaces, undefined, { metadata: { name: `ns-${n}` } });
    const svc: CreateTimes = await createTimed(up.client, info.services, size.services, service);
    const beforePods = await workCounts(up.url);
    const podsStart = performance.now();
    const pods = await createTimed(up.client, info.pods, size.pods, (j) => pod(j, size.services));
    const lastCreate = performance.now();
    // Each tenth of the pods as a phase: the profile then says what a create cost early and late.
    const tenth = Math.max(1, Math.floor(size.pods / 10));
    for (let i = 0; i < size.pods; i += tenth)
      marks.mark(`pods ${i / tenth + 1}/10`, podsStart + (i > 0 ? (pods.doneAt[i - 1] ?? 0) : 0), tenth);
    marks.mark("drain", lastCreate);
    const peakRss = (await memoryMiB(pid)).peak;
    const rates = firstLastRates(pods);
    progress(
      `${label}: pods ${formatNumber(size.pods / (pods.totalMs / 1000))}/s (first 10% ${formatNumber(rates.first)}/s, last 10% ${formatNumber(rates.last)}/s), write p99 ${percentile(pods.latencies, 99).toFixed(1)} ms, peak RSS ${formatNumber(peakRss)} MiB`,
    );

    // The last headless Service to get all its pods: once DNS shows them, the controllers caught up.
    const lastHeadless = Math.floor((size.services - 1) / 10) * 10;
    const perService = Math.floor(size.pods / size.services);
    // The flips start once the controllers are idle, so their lag is one change's, not the creates' backlog.
    const [settleMs, drainedMs] = await Promise.all([
      settle(up.dnsPort, `svc-${lastHeadless}.${nsOf(lastHeadless)}.svc.${ZONE}`, perService, lastCreate),
      queuesDrained(up.url, lastCreate, { pods: size.pods }),
    ]);
    progress(
      `${label}: DNS caught up ${settleMs} ms and the controllers' queues drained ${Math.round(drainedMs)} ms after the last create`,
    );
    const afterPods = await workCounts(up.url);
    progress(`${label}: per pod create: ${perUnit(beforePods, afterPods, size.pods)}`);
    progress(`${label}: V8's collector during the creates and the drain: ${gcBetween(beforePods, afterPods)}`);

    const targets: FlipTarget[] = [];
    for (let j = 0; j < size.pods && targets.length < FLIPS_PER_SECOND * FLIP_SECONDS; j++) {
      const s = j % size.services;
      if (headless(s)) targets.push({ namespace: nsOf(s), pod: `pod-${j}`, ip: podIp(j), service: `svc-${s}` });
    }
    const beforeFlips = await workCounts(up.url);
    const flipsStart = performance.now();
    const flips = await readinessFlips(up.client, up.dnsPort, targets, {
      perSecond: FLIPS_PER_SECOND,
      seconds: FLIP_SECONDS,
      zone: ZONE,
    });
    progress(
      `${label}: endpoints lag p99 ${percentile(flips.sliceLag, 99).toFixed(1)} ms, DNS p99 ${percentile(flips.dnsLag, 99).toFixed(1)} ms, missed ${flips.missed}; watchers closed for falling behind so far: ${await terminatedWatchers(up.url)}`,
    );
    const afterFlips = await workCounts(up.url);
    progress(`${label}: per readiness change: ${perUnit(beforeFlips, afterFlips, flips.changes)}`);
    progress(`${label}: V8's collector during the readiness changes: ${gcBetween(beforeFlips, afterFlips)}`);

    marks.mark("readiness", flipsStart, flips.changes);
    marks.mark("kubectl get pods");
    const kubectl = await kubectlGetPods(up.kubeconfig);
    progress(`${label}: kubectl get pods -A: ${kubectl.rows} rows in ${kubectl.ms} ms`);
    const listed = await pagedTableList(up.url, "/api/v1/pods");
    progress(
      `${label}: the same ${listed.pages} pages fetched back to back: ${Math.round(listed.ms)} ms, first pages ${listed.firstPagesMs.toFixed(1)} ms, last pages ${listed.lastPagesMs.toFixed(1)} ms`,
    );

    marks.mark("stop");
    await up.stop();
    up = undefined;
    if (profileDir) await marks.write(profileDir, pid);
    progress(`${label}: restarting`);
    up = await startUp(config);
    const readyMs = up.readyMs;
    await new Promise((r) => setTimeout(r, 2_000));
    const rssAfterRestart = (await memoryMiB(up.child.proc.pid!)).rss;
    progress(`${label}: ready ${readyMs} ms after restart, RSS ${formatNumber(rssAfterRestart)} MiB`);
    return {
      store,
      services: size.services,
      pods: size.pods,
      serviceRate: size.services / (svc.totalMs / 1000),
      podRate: size.pods / (pods.totalMs / 1000),
      firstRate: rates.first,
      lastRate: rates.last,
      writeP50: percentile(pods.latencies, 50),
      writeP99: percentile(pods.latencies, 99),
      peakRss,
      settleMs,
      drainedMs,
      sliceP50: percentile(flips.sliceLag, 50),
      sliceP99: percentile(flips.sliceLag, 99),
      dnsP50: percentile(flips.dnsLag, 50),
      dnsP99: percentile(flips.dnsLag, 99),
      missed: flips.missed,
      kubectlMs: kubectl.ms,
      kubectlRows: kubectl.rows,
      serverListMs: listed.ms,
      firstPageMs: listed.firstPagesMs,
      lastPageMs: listed.lastPagesMs,
      readyMs,
      rssAfterRestart,
    };
  } finally {
    await up?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const uptime = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
const loadBefore = uptime();
const upstream = await startFakeUpstream();
upstream.setDefault({ type: "answer", answers: [{ type: "A", ttl: 3600, data: "192.0.2.1" }] });
if (profileDir) await mkdir(profileDir, { recursive: true });
const render = process.argv.includes("--render");
const measured: Row[] = [];
try {
  for (const store of render ? [] : stores) {
    const etcd = store === "etcd" ? await startEtcd() : undefined;
    try {
      for (const size of sizes) measured.push(await measure(store, size, etcd));
    } finally {
      await etcd?.stop();
    }
  }
} finally {
  await upstream.close();
}
const loadAfter = uptime();
for (const r of measured) r.load = `${loadBefore} before, ${loadAfter} after`;

// Rows of the stores not measured this time are kept from the last full run (one store per run fits a slot).
const rowsFile = join(root, "bench/results/scale-rows.json");
const kept: Row[] = quick
  ? []
  : (JSON.parse(await readFile(rowsFile, "utf8").catch(() => "[]")) as Row[]).filter(
      (r) => render || !stores.includes(r.store as UpConfig["store"]),
    );
const rows = [...kept, ...measured].sort((a, b) => a.store.localeCompare(b.store) || a.pods - b.pods);
if (!quick) await writeFile(rowsFile, `${JSON.stringify(rows, null, 2)}\n`);

const k = (n: number): string => (n >= 1000 ? `${n / 1000}k` : String(n));
const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(n >= 100 ? 0 : 1) : "n/a");
const sec = (n: number): string => (n / 1000).toFixed(1);
const table = [
  "| store | services / pods | service creates/s | pod creates/s | first → last 10% of pods (/s) | write p50 / p99 (ms) | peak RSS loading (MiB) | caught up after (s) | queues drained after (s) | endpoints lag p50 / p99 (ms) | DNS p50 / p99 (ms) | `kubectl get pods -A` (s) | same pages, no kubectl (s; first / last page ms) | restart to ready (s) | RSS after restart (MiB) |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map(
    (r) =>
      `| ${r.store} | ${k(r.services)} / ${k(r.pods)} | ${formatNumber(r.serviceRate)} | ${formatNumber(r.podRate)} | ${formatNumber(r.firstRate)} → ${formatNumber(r.lastRate)} (${(r.lastRate / r.firstRate).toFixed(2)}×) | ${ms(r.writeP50)} / ${ms(r.writeP99)} | ${formatNumber(r.peakRss)} | ${sec(r.settleMs)} | ${r.drainedMs !== undefined ? sec(r.drainedMs) : "–"} | ${ms(r.sliceP50)} / ${ms(r.sliceP99)}${r.missed ? ` (${r.missed} missed)` : ""} | ${ms(r.dnsP50)} / ${ms(r.dnsP99)} | ${sec(r.kubectlMs)} (${formatNumber(r.kubectlRows)} rows) | ${r.serverListMs !== undefined ? `${sec(r.serverListMs)} (${ms(r.firstPageMs ?? Number.NaN)} / ${ms(r.lastPageMs ?? Number.NaN)})` : "–"} | ${sec(r.readyMs)} | ${formatNumber(r.rssAfterRestart)} |`,
  ),
].join("\n");

const shownStores = [...new Set(rows.map((r) => r.store))];
const series = (pick: (r: Row) => number): Panel["series"] =>
  shownStores.map((s) => ({
    label: s === "embedded" ? "embedded store" : "etcd",
    points: rows.filter((r) => r.store === s).map((r) => [r.pods, pick(r)] as [number, number]),
  }));
const panels: Panel[] = [
  { title: "pod creates, last 10%", unit: "/s", series: series((r) => r.lastRate) },
  { title: "write p99", unit: "ms", series: series((r) => r.writeP99) },
  { title: "peak RSS loading", unit: "MiB", series: series((r) => r.peakRss) },
  { title: "restart to ready", unit: "s", series: series((r) => r.readyMs / 1000) },
  { title: "endpoints lag p99", unit: "ms", series: series((r) => r.sliceP99) },
  { title: "DNS propagation p99", unit: "ms", series: series((r) => r.dnsP99) },
  { title: "kubectl get pods -A", unit: "s", series: series((r) => r.kubectlMs / 1000) },
  { title: "RSS after restart", unit: "MiB", series: series((r) => r.rssAfterRestart) },
];
const sizeOf = new Map(rows.map((r) => [r.pods, `${k(r.services)}/${k(r.pods)}`]));
const svgName = "scale.svg";
await mkdir(join(root, "bench/results"), { recursive: true });
await writeFile(
  join(root, "bench/results", svgName),
  lineCharts("kdns up at scale (services/pods)", (x) => sizeOf.get(x) ?? String(x), panels),
);

const date = new Date().toISOString().slice(0, 10);
const body = `
## Control plane at scale (\`npm run bench:scale${quick ? " -- --quick" : ""}\`)

Reproduce: \`npm run bench:scale\`${quick ? " (this is a `--quick` run: small sizes, to try the harness, not for the record)" : ""}. ${date}, \`kdns up --gateway none\`
on this 2-CPU VM (shared with other work; load averages: ${shownStores.map((st) => `${st} run ${rows.find((r) => r.store === st)?.load ?? "not recorded"}`).join("; ")}), one
\`kdns up\` per size on a fresh data directory. Objects are created through the API with 32 requests in
flight: ${NAMESPACES} namespaces, the Services (one in ten headless), then the pods, spread over the
Services round-robin and written with a Ready status and an IP (kdns has no kubelet; kwok's fake nodes do the same).
"write" is the latency of each pod create during the load; "caught up" is how long after the last create DNS
answered the last headless Service with all its pods, "queues drained" how long until the controllers' pod
informer held every pod and all their work queues (\`workqueue_depth\`) were empty with no sync in progress
for 5 polls 200 ms apart. Then, once both, ${FLIPS_PER_SECOND} pods a second change readiness
for ${FLIP_SECONDS} s (status PATCH): endpoints lag is from the API's acknowledgement of the write to the
EndpointSlice showing it on a watch, DNS propagation to the Service's A records showing it. Then
\`kubectl get pods -A\` (kubectl pages 500 at a time, at most 5 requests a second: client-go's default
client-side limit, which kubectl raises for discovery only), the same pages fetched back to back without kubectl
(the server's part), and a restart of \`kdns up\` on the same data until
\`/readyz\` passes (every informer synced), with its RSS 2 s later.

![kdns up at scale](bench/results/${svgName})

${table}
`;
await writeSection(join(root, "BENCHMARKS.md"), "bench:scale", body);
progress(`wrote BENCHMARKS.md and bench/results/${svgName}`);
