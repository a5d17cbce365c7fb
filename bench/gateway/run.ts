/**
 * `npm run bench:gateway`: one small static file from a backend nginx, fetched with wrk directly,
 * through a hand-written nginx reverse proxy (with the headers such a proxy usually sets), through
 * kdns's nginx and built-in engines, and through a Node proxy on http-proxy, in one run: over
 * plain HTTP and over TLS with keep-alive, pinned to CPUs and unpinned; full TLS handshakes per
 * second (a new connection per request); nginx's instructions per request under callgrind (the
 * one figure other load on the machine does not move). Also how fast a DNSRecord change is live
 * in each engine, again with `--routes N` (default 1,000) HTTPRoutes loaded (http-routes.ts), and
 * failed requests under load during consecutive reloads.
 * Writes the gateway section of BENCHMARKS.md and bench/results/gateway-rps.svg, gateway-tls-rps.svg.
 * `--quick` runs shorter measurements (for trying the harness, not for the record).
 * `--nginx PATH` runs every nginx (backend, hand-written, kdns's engine) from that binary, e.g. a
 * newer build than the system's; its results go to a section of their own, named by its version.
 */
import { execFileSync } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resourceByPath } from "../../src/api/resources.ts";
import type { DNSRecord } from "../../src/api/types.ts";
import { findNginx, hasKeepaliveMinTimeout, nginxVersion } from "../../src/gateway/nginx/binary.ts";
import { freePort } from "../../test/support/free-port.ts";
import { percentile } from "../dns/dnsperf.ts";
import { startApi } from "../dns/kdns.ts";
import { type Child, progress, setAffinity, startPinned } from "../support/proc.ts";
import { type Bar, barChart, formatNumber, writeSection } from "../support/report.ts";
import { waitHttp } from "./http.ts";
import { loadHttpRoutes, routeHost } from "./http-routes.ts";
import { instructionsPerRequest } from "./instructions.ts";
import { startKdnsGateway } from "./kdns.ts";
import { type BackendAddress, FILE_PATH, handWrittenConfig, startBackend, startHandWritten } from "./nginx.ts";
import { RecordSwitch } from "./switch-record.ts";
import { makeBenchCertificate, TLS_HOST } from "./tls-cert.ts";
import { type WrkOptions, type WrkResult, wrk, wrkInBackground } from "./wrk.ts";

const quick = process.argv.includes("--quick");
const nginxFlag = process.argv.indexOf("--nginx");
const nginxArg = nginxFlag >= 0 ? process.argv[nginxFlag + 1] : undefined;
const seconds = quick ? 3 : 5;
const rounds = quick ? 1 : 6;
const unpinnedRounds = quick ? 1 : 4;
const handshakeRounds = quick ? 1 : 3;
const countedRequests = quick ? 300 : 2000;
const changes = 20;
const routesFlag = process.argv.indexOf("--routes");
const routeCount = routesFlag >= 0 ? Number(process.argv[routesFlag + 1]) : 1000;
if (!Number.isInteger(routeCount) || routeCount < 1) {
  console.error(`bench: --routes takes a positive whole number, got ${JSON.stringify(process.argv[routesFlag + 1])}`);
  process.exit(1);
}
const FILE_SIZE = 1024;
const LOAD_CPU = 0;
const PROXY_CPU = 1;
const HOST = "bench.test";
const load = { threads: 1, connections: 32, cpu: LOAD_CPU };
const root = fileURLToPath(new URL("../..", import.meta.url));
const DNSRECORDS = resourceByPath("kdns.dev", "dnsrecords")!;
const SECRETS = resourceByPath("", "secrets")!;

for (const tool of ["wrk", "taskset", "valgrind", "callgrind_control"]) {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`]);
  } catch {
    console.error(`bench: ${tool} not found: bash scripts/setup.sh --bench-tools`);
    process.exit(1);
  }
}

let nginxBin: string;
try {
  nginxBin = await findNginx(nginxArg);
} catch (err) {
  console.error(`bench: ${(err as Error).message}`);
  process.exit(1);
}
const nginxVersionFound = await nginxVersion(nginxBin);
const nginxRelease = nginxVersionFound?.join(".") ?? "unknown";
const dir = await mkdtemp(join(tmpdir(), "kdns-bench-gw-"));
// nginx workers run as nobody when started by root: the backend's files must be reachable.
await chmod(dir, 0o755);
const children: Child[] = [];
const track = (c: Child): Child => (children.push(c), c);

/** Measures `url` with wrk (pinned as `load` says, unless `cpu` is given) and prints a progress line. */
async function measure(label: string, url: string, host?: string, extra: Partial<WrkOptions> = {}): Promise<WrkResult> {
  const o: WrkOptions = { url, seconds, ...load, ...(host ? { host } : {}), ...extra };
  const r = await wrk(o);
  progress(
    `${label}: ${formatNumber(r.rps)} req/s, p99 ${r.p99Ms.toFixed(2)} ms, ${r.non2xx} non-2xx, ${r.socketErrors} socket errors`,
  );
  if (r.non2xx > 0) throw new Error(`${label}: ${r.non2xx} non-2xx responses — the route is not serving the file`);
  return r;
}

try {
  const backendPort = await freePort();
  const backends: BackendAddress[] = [
    { ip: "127.1.1.1", port: backendPort, mark: "A" },
    { ip: "127.1.1.2", port: backendPort, mark: "B" },
  ];
  const direct = `http://${backends[0]!.ip}:${backendPort}${FILE_PATH}`;

  // 1. Direct: wrk on one CPU, the backend alone on the other.
  progress(`direct: backend nginx on CPU ${PROXY_CPU}, wrk on CPU ${LOAD_CPU}, ${seconds}s`);
  const soloBackend = await startBackend(nginxBin, PROXY_CPU, join(dir, "backend-solo"), backends, FILE_SIZE);
  const directResult = await measure("direct", direct);
  await soloBackend.stop();

  // Every proxy on PROXY_CPU; the backend shares LOAD_CPU with wrk and the API server.
  const backend = track(await startBackend(nginxBin, LOAD_CPU, join(dir, "backend"), backends, FILE_SIZE));
  const certificate = await makeBenchCertificate(dir);
  const handPort = await freePort();
  const handTlsPort = await freePort();
  const handTls = { listen: `127.0.0.1:${handTlsPort}`, certPath: certificate.certPath, keyPath: certificate.keyPath };
  const hand = track(await startHandWritten(nginxBin, PROXY_CPU, join(dir, "hand"), handPort, backends[0]!, handTls));
  const peerPort = await freePort();
  const peer = track(
    startPinned(PROXY_CPU, process.execPath, [
      join(root, "bench/gateway/node-peer.ts"),
      String(peerPort),
      `http://${backends[0]!.ip}:${backendPort}`,
    ]),
  );
  await waitHttp(`http://127.0.0.1:${peerPort}${FILE_PATH}`, HOST, peer);

  progress("starting kdns apiserver and both gateway engines");
  const api = await startApi(LOAD_CPU);
  track(api.child);
  const record = new RecordSwitch(api.client, HOST, [backends[0]!, backends[1]!], backendPort);
  await api.client.create(DNSRECORDS, "default", {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "bench", namespace: "default" },
    spec: { host: HOST, paths: [{ path: "/", address: backends[0]!.ip, port: backendPort }] },
  } satisfies DNSRecord);
  // HTTPS for `localhost` (the name wrk sends as SNI) with the certificate the hand-written proxy has.
  await api.client.create(SECRETS, "default", {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "bench-tls", namespace: "default" },
    type: "kubernetes.io/tls",
    stringData: { "tls.crt": certificate.cert, "tls.key": certificate.key },
  });
  await api.client.create(DNSRECORDS, "default", {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "bench-tls", namespace: "default" },
    spec: {
      host: TLS_HOST,
      paths: [{ path: "/", address: backends[0]!.ip, port: backendPort }],
      tls: { secretName: "bench-tls" },
    },
  } satisfies DNSRecord);
  const nginxPort = await freePort();
  const nginxTlsPort = await freePort();
  const nginxDir = join(dir, "kdns-nginx");
  const nginxGw = track(startKdnsGateway(PROXY_CPU, "nginx", api.url, nginxPort, nginxDir, nginxBin, nginxTlsPort));
  const builtinPort = await freePort();
  const builtinTlsPort = await freePort();
  const builtinGw = track(
    startKdnsGateway(PROXY_CPU, "builtin", api.url, builtinPort, join(dir, "kdns-builtin"), nginxBin, builtinTlsPort),
  );
  const nginxUrl = `http://127.0.0.1:${nginxPort}${FILE_PATH}`;
  const builtinUrl = `http://127.0.0.1:${builtinPort}${FILE_PATH}`;
  const tlsUrl = (port: number): string => `https://${TLS_HOST}:${port}${FILE_PATH}`;
  await waitHttp(nginxUrl, HOST, nginxGw);
  await waitHttp(builtinUrl, HOST, builtinGw);
  await waitHttp(tlsUrl(handTlsPort), undefined, hand);
  await waitHttp(tlsUrl(nginxTlsPort), undefined, nginxGw);
  await waitHttp(tlsUrl(builtinTlsPort), undefined, builtinGw);

  // 2-5. Throughput, the proxies interleaved over `rounds` rounds; each one's best round counts.
  // Plain HTTP sends Host bench.test; HTTPS asks for localhost by SNI and Host (wrk takes both from the URL).
  const targets = [
    { key: "hand", label: "nginx, hand-written config", url: `http://127.0.0.1:${handPort}${FILE_PATH}`, host: HOST },
    { key: "nginx", label: "kdns nginx engine", url: nginxUrl, host: HOST },
    { key: "builtin", label: "kdns built-in engine", url: builtinUrl, host: HOST },
    { key: "peer", label: "Node http-proxy (peer)", url: `http://127.0.0.1:${peerPort}${FILE_PATH}`, host: HOST },
    { key: "hand-tls", label: "nginx, hand-written config, TLS", url: tlsUrl(handTlsPort), host: undefined },
    { key: "nginx-tls", label: "kdns nginx engine, TLS", url: tlsUrl(nginxTlsPort), host: undefined },
    { key: "builtin-tls", label: "kdns built-in engine, TLS", url: tlsUrl(builtinTlsPort), host: undefined },
  ] as const;
  type Target = (typeof targets)[number];

  /** `n` interleaved rounds over `list` (every other one reversed); the best result and each round's req/s. */
  async function interleaved(
    what: string,
    list: readonly Target[],
    n: number,
    extra: Partial<WrkOptions> = {},
  ): Promise<{ best: Map<string, WrkResult>; perRound: Record<string, number>[] }> {
    const best = new Map<string, WrkResult>();
    const perRound: Record<string, number>[] = [];
    for (let round = 1; round <= n; round++) {
      const rps: Record<string, number> = {};
      // Every other round in reverse order, so no proxy always runs right after the same one.
      for (const t of round % 2 === 1 ? list : [...list].reverse()) {
        progress(`${what} round ${round}/${n}: ${t.label}, ${seconds}s`);
        const r = await measure(t.label, t.url, t.host, extra);
        rps[t.key] = r.rps;
        if ((best.get(t.key)?.rps ?? -1) < r.rps) best.set(t.key, r);
      }
      perRound.push(rps);
    }
    return { best, perRound };
  }
  /** The per-round ratios a/b, sorted (each from one round: measured minutes apart, not hours). */
  const paired = (perRound: Record<string, number>[], a: string, b: string): number[] =>
    perRound.map((r) => (r[a] ?? NaN) / (r[b] ?? NaN)).sort((x, y) => x - y);
  const median = (v: number[]): number => v[Math.floor((v.length - 1) / 2)] ?? NaN;

  const pinned = await interleaved("pinned", targets, rounds);
  const { best } = pinned;
  const handshakes = await interleaved(
    "handshakes",
    targets.filter((t) => t.key.endsWith("-tls")),
    handshakeRounds,
    { headers: ["Connection: close"] },
  );

  // The same without taskset: every process may run on either CPU, as on a machine nobody pinned.
  const pids = [backend, hand, peer, api.child, nginxGw, builtinGw].map((c) => c.proc.pid!);
  for (const pid of pids) await setAffinity(pid, "0-1");
  const unpinned = await interleaved(
    "unpinned",
    targets.filter((t) => t.key !== "peer" && t.key !== "builtin-tls"),
    unpinnedRounds,
    { cpu: undefined },
  );
  // Back as they were, for the propagation measurements below.
  await setAffinity(backend.proc.pid!, String(LOAD_CPU));
  await setAffinity(api.child.proc.pid!, String(LOAD_CPU));
  for (const c of [hand, peer, nginxGw, builtinGw]) await setAffinity(c.proc.pid!, String(PROXY_CPU));

  const ratios = {
    nginxHand: paired(pinned.perRound, "nginx", "hand"),
    nginxHandUnpinned: paired(unpinned.perRound, "nginx", "hand"),
    nginxHandTls: paired(pinned.perRound, "nginx-tls", "hand-tls"),
    nginxHandTlsUnpinned: paired(unpinned.perRound, "nginx-tls", "hand-tls"),
    builtinPeer: paired(pinned.perRound, "builtin", "peer"),
    builtinNginx: paired(pinned.perRound, "builtin", "nginx"),
    builtinNginxTls: paired(pinned.perRound, "builtin-tls", "nginx-tls"),
  };
  const handResult = best.get("hand")!;
  const nginx = best.get("nginx")!;
  const builtin = best.get("builtin")!;
  const nodePeer = best.get("peer")!;

  // Instructions per proxied request (callgrind): the hand-written configuration and kdns's
  // rendering as the nginx engine installed it, both with the one certificate, plain and TLS.
  progress("instructions per request under callgrind: hand-written and kdns's rendering, plain and TLS");
  const kdnsRuntime = join(nginxDir, "nginx");
  const kdnsConf = await readFile(join(kdnsRuntime, "nginx.conf"), "utf8");
  const instructions: Record<string, number> = {};
  for (const kind of ["hand", "kdns"] as const) {
    for (const tls of [false, true]) {
      const idir = join(dir, `instructions-${kind}-${tls ? "tls" : "plain"}`);
      await mkdir(idir, { recursive: true });
      const port = await freePort();
      const port2 = await freePort();
      let config: string;
      if (kind === "hand") {
        const listenTls = { ...handTls, listen: `127.0.0.1:${tls ? port : port2}` };
        config = handWrittenConfig(`127.0.0.1:${tls ? port2 : port}`, backends[0]!, listenTls);
      } else {
        await cp(join(kdnsRuntime, "certs"), join(idir, "certs"), { recursive: true });
        config = kdnsConf
          .replaceAll(`"127.0.0.1:${nginxPort}"`, `"127.0.0.1:${tls ? port2 : port}"`)
          .replaceAll(`"127.0.0.1:${nginxTlsPort}"`, `"127.0.0.1:${tls ? port : port2}"`);
      }
      const key = `${kind}-${tls ? "tls" : "plain"}`;
      instructions[key] = await instructionsPerRequest({
        nginx: nginxBin,
        dir: idir,
        config,
        port,
        tls,
        host: tls ? TLS_HOST : HOST,
        path: FILE_PATH,
        requests: countedRequests,
      });
      progress(`${key}: ${formatNumber(instructions[key]!)} instructions per request`);
    }
  }

  async function switches(label: string, url: string): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < changes; i++) out.push(await record.once(url));
    progress(
      `${label}: change live p50 ${percentile(out, 50).toFixed(1)} ms, p99 ${percentile(out, 99).toFixed(1)} ms`,
    );
    return out;
  }

  /** `changes` switches while wrk loads `url`; wrk's summary counts failed requests. */
  async function underLoad(
    label: string,
    url: string,
    headers: string[] = [],
  ): Promise<{ wrk: WrkResult; live: number[] }> {
    const bg = wrkInBackground({ url, host: HOST, headers, seconds: 120, ...load });
    track(bg.child);
    await new Promise((r) => setTimeout(r, 1000)); // let wrk open its connections first
    const live = await switches(`${label} under load`, url);
    await new Promise((r) => setTimeout(r, 1000));
    const r = await bg.finish();
    progress(
      `${label}, ${changes} changes under load: ${r.requests} requests, ${r.non2xx} non-2xx, ${r.socketErrors} socket errors (${r.socketDetail})`,
    );
    return { wrk: r, live };
  }

  // Propagation, one engine at a time so the other's reaction does not share the CPU.
  await builtinGw.stop();
  const nginxLive = await switches("nginx engine", nginxUrl);
  const { wrk: nginxLoad, live: nginxLiveLoaded } = await underLoad("nginx engine", nginxUrl);
  // The same without keep-alive: separates requests lost to closed keep-alive connections from others.
  const { wrk: nginxClose } = await underLoad("nginx engine, Connection: close", nginxUrl, ["Connection: close"]);
  await nginxGw.stop();
  const builtinGw2 = track(
    startKdnsGateway(PROXY_CPU, "builtin", api.url, builtinPort, join(dir, "kdns-builtin"), nginxBin),
  );
  await waitHttp(builtinUrl, HOST, builtinGw2);
  const builtinLive = await switches("built-in engine", builtinUrl);
  const { wrk: builtinLoad, live: builtinLiveLoaded } = await underLoad("built-in engine", builtinUrl);

  // The same changes with `routeCount` HTTPRoutes in the table: a change's cost must not grow with it.
  const routes = routeCount.toLocaleString("en-US");
  progress(`loading ${routes} HTTPRoutes`);
  await loadHttpRoutes(api.client, routeCount, { ip: backends[0]!.ip, port: backendPort });
  const lastRoute = routeHost(routeCount - 1);
  await waitHttp(builtinUrl, lastRoute, builtinGw2, () => true, 120_000);
  const builtinLiveRoutes = await switches(`built-in engine, ${routes} HTTPRoutes`, builtinUrl);
  await builtinGw2.stop();
  const nginxGw2 = track(startKdnsGateway(PROXY_CPU, "nginx", api.url, nginxPort, nginxDir, nginxBin));
  await waitHttp(nginxUrl, lastRoute, nginxGw2, () => true, 120_000);
  const nginxLiveRoutes = await switches(`nginx engine, ${routes} HTTPRoutes`, nginxUrl);

  const bars: Bar[] = [
    { label: "direct (backend nginx)", value: directResult.rps },
    { label: "nginx, hand-written config", value: handResult.rps },
    { label: "kdns nginx engine", value: nginx.rps, ours: true },
    { label: "kdns built-in engine", value: builtin.rps, ours: true },
    { label: "Node http-proxy (peer)", value: nodePeer.rps },
  ];
  const tlsBars: Bar[] = [
    { label: "nginx, hand-written, TLS", value: best.get("hand-tls")!.rps },
    { label: "kdns nginx engine, TLS", value: best.get("nginx-tls")!.rps, ours: true },
    { label: "kdns built-in engine, TLS", value: best.get("builtin-tls")!.rps, ours: true },
  ];
  const suffix = nginxArg ? `-nginx-${nginxRelease}` : "";
  const chart = `gateway-rps${suffix}.svg`;
  const tlsChart = `gateway-tls-rps${suffix}.svg`;
  await mkdir(join(root, "bench/results"), { recursive: true });
  await writeFile(
    join(root, "bench/results", chart),
    barChart(`Gateway: requests per second, ${FILE_SIZE}-byte file, wrk -c ${load.connections}`, "req/s", bars),
  );
  await writeFile(
    join(root, "bench/results", tlsChart),
    barChart(`Gateway over TLS (keep-alive): requests per second, wrk -c ${load.connections}`, "req/s", tlsBars),
  );

  const ratioCell = (v: number[]): string =>
    `${median(v).toFixed(2)}× (rounds: ${v.map((x) => x.toFixed(2)).join(", ")})`;
  const verdict = (ok: boolean): string => (ok ? "met" : "**missed**");
  const target = (label: string, v: number[], min: number): string =>
    `| ${label} | ${ratioCell(v)} | ${verdict(median(v) >= min)} |`;
  const row = (label: string, r: WrkResult): string =>
    `| ${label} | ${formatNumber(r.rps)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.non2xx + r.socketErrors} | \`${r.command}\` |`;
  const lat = (v: number[]): string => `p50 ${percentile(v, 50).toFixed(1)} ms, p99 ${percentile(v, 99).toFixed(1)} ms`;
  // "Unchanged within noise": the median no more than 1.5× (+2 ms, for medians of a few ms) the figure without routes.
  const unchanged = (without: number[], withRoutes: number[]): boolean =>
    percentile(withRoutes, 50) <= 1.5 * percentile(without, 50) + 2;
  const nginxFailures = nginxLoad.non2xx + nginxLoad.socketErrors;
  const builtinFailures = builtinLoad.non2xx + builtinLoad.socketErrors;
  const flags = [
    ...(nginxArg ? ["--nginx", nginxArg] : []),
    ...(routeCount !== 1000 ? ["--routes", String(routeCount)] : []),
  ];
  const command = `npm run bench:gateway${flags.length > 0 ? ` -- ${flags.join(" ")}` : ""}`;
  const ir = (key: string): string => formatNumber(instructions[key]!);
  const irRatio = (kind: "plain" | "tls"): string =>
    `${(instructions[`kdns-${kind}`]! / instructions[`hand-${kind}`]!).toFixed(3)}×`;
  const body = `
## Gateway${nginxArg ? ` with nginx ${nginxRelease}` : ""} (\`${command}\`)

Reproduce: \`${command}\` (${quick ? "**quick mode — not for the record**" : "full run"}). ${new Date().toISOString().slice(0, 10)}, 2 CPUs, all on loopback,
every nginx (backend, hand-written proxy, kdns's engine) is ${nginxBin}, nginx ${nginxRelease}.
A ${FILE_SIZE}-byte static file served by a backend nginx (1 worker), fetched with \`wrk -t${load.threads} -c${load.connections} -d${seconds}s\`.
Pinning (\`taskset\`): wrk on CPU ${LOAD_CPU}; for "direct" the backend alone on CPU ${PROXY_CPU}; for every proxy, the proxy
(with all its nginx workers) on CPU ${PROXY_CPU} and the backend on CPU ${LOAD_CPU} with wrk and the API server (2 cores do not allow
more separation). Proxies measured interleaved (every other round reversed), ${rounds} round(s) of ${seconds}s each; the table shows each one's best round, the
targets use the median of the per-round ratios (the two sides of a ratio measured within a minute of each other; this VM's
neighbours make single runs vary by up to 2×). Then ${unpinnedRounds} more rounds with every process, wrk included, free to run on either CPU
(\`taskset -a -p -c 0-1\` on the running processes). kdns: \`kdns apiserver --store memory\`
+ \`kdns gateway --gateway nginx|builtin --gateway-tls-listen …\`, one DNSRecord \`${HOST}\` path \`/\` → the backend address, one
\`${TLS_HOST}\` with \`spec.tls\` naming a \`kubernetes.io/tls\` Secret. The hand-written config is one \`upstream\` with \`keepalive 32\`
and \`proxy_pass\`, with the headers such a proxy usually sets (\`Host $host\`, \`X-Real-IP\`, \`X-Forwarded-For\`, \`X-Forwarded-Proto\`,
\`Connection ""\`), the same \`worker_processes auto\` as kdns's rendering, and for TLS the same certificate (self-signed P-256 for
\`${TLS_HOST}\`, made with openssl), \`listen … ssl http2\`, \`ssl_protocols TLSv1.2 TLSv1.3\` as kdns renders it (nginx 1.22's default has no
TLS 1.3) and nginx's default ciphers (TLS 1.3 with AES-256-GCM is what wrk and nginx agree on). Over TLS wrk sends SNI and Host
\`${TLS_HOST}\` from the URL, keeps its ${load.connections} connections (HTTP/1.1; wrk offers no ALPN) and verifies nothing.
The Node peer is \`http-proxy\` 1.18 with a keep-alive agent and \`xfwd\` (bench/gateway/node-peer.ts).

![Gateway requests per second](bench/results/${chart})
![Gateway requests per second over TLS](bench/results/${tlsChart})

| path | req/s | p50 (ms) | p99 (ms) | failed | command |
|---|---:|---:|---:|---:|---|
${row("direct (backend nginx)", directResult)}
${targets.map((t) => row(t.label, best.get(t.key)!)).join("\n")}

Full TLS handshakes per second (\`-H 'Connection: close'\`: a new connection, a full handshake and one request each time; wrk
resumes no session), best of ${handshakeRounds} interleaved rounds:

| path | handshakes/s | p50 (ms) | p99 (ms) | failed |
|---|---:|---:|---:|---:|
${targets
  .filter((t) => t.key.endsWith("-tls"))
  .map((t) => {
    const r = handshakes.best.get(t.key)!;
    return `| ${t.label} | ${formatNumber(r.rps)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.non2xx + r.socketErrors} |`;
  })
  .join("\n")}

Instructions per proxied request, counted by callgrind (nginx alone under valgrind with \`master_process off\`, ${formatNumber(countedRequests)} requests
on 8 keep-alive connections; the kernel's share of the work is not in them): hand-written ${ir("hand-plain")}, kdns's rendering
${ir("kdns-plain")} (${irRatio("plain")}); over TLS hand-written ${ir("hand-tls")}, kdns ${ir("kdns-tls")} (${irRatio("tls")}).

| target | this run | |
|---|---:|---|
${target("nginx engine ≥ 0.95× hand-written nginx (usual headers), pinned", ratios.nginxHand, 0.95)}
${target("the same, unpinned", ratios.nginxHandUnpinned, 0.95)}
${target("nginx engine over TLS ≥ 0.95× hand-written nginx over TLS, pinned", ratios.nginxHandTls, 0.95)}
${target("the same, unpinned", ratios.nginxHandTlsUnpinned, 0.95)}
${target("built-in ≥ 1.2× Node http-proxy", ratios.builtinPeer, 1.2)}
${target("built-in ≥ 0.35× nginx engine", ratios.builtinNginx, 0.35)}
${target("built-in over TLS ≥ 0.35× nginx engine over TLS", ratios.builtinNginxTls, 0.35)}
| DNSRecord change live, built-in ≤ 200 ms | ${lat(builtinLive)} | ${verdict(percentile(builtinLive, 99) <= 200)} |
| DNSRecord change live, nginx ≤ 1 s | ${lat(nginxLive)} | ${verdict(percentile(nginxLive, 99) <= 1000)} |
| the same with ${routes} HTTPRoutes loaded, built-in: unchanged within noise | ${lat(builtinLiveRoutes)} | ${verdict(unchanged(builtinLive, builtinLiveRoutes))} |
| the same with ${routes} HTTPRoutes loaded, nginx: unchanged within noise | ${lat(nginxLiveRoutes)} | ${verdict(unchanged(nginxLive, nginxLiveRoutes))} |
| zero failed requests during ${changes} reloads (nginx) | ${nginxFailures} of ${formatNumber(nginxLoad.requests)} | ${verdict(nginxFailures === 0)} |

"Change live": ${changes} merge-patches of the record's path address (alternating 127.1.1.1 ↔ 127.1.1.2, the same nginx
serving a file that names it), each timed from sending the PATCH to the first response from the new backend, polled on fresh
connections; the next change waits (untimed) until 20 fresh connections in a row get the new backend, so a retiring nginx
worker still answering with the backend before cannot time the next change as live at once; each engine measured while
the other is stopped. "With ${routes} HTTPRoutes": the same ${changes} changes
again after loading kdns's GatewayClass, a Gateway and ${routes} HTTPRoutes (one hostname each, \`/\` to one Service;
bench/gateway/http-routes.ts) and waiting until the last one is served, so every nginx reload carries the whole table; "unchanged within noise" is met when the median is at most 1.5× (+2 ms) the median without them. Under load: \`wrk -t${load.threads} -c${load.connections}\` (stopped with SIGINT
after the changes) while the record changes ${changes} times, each waited for as above (live under load: nginx ${lat(nginxLiveLoaded)},
built-in ${lat(builtinLiveLoaded)}); failed requests (non-2xx + socket errors) nginx ${nginxFailures} of ${formatNumber(nginxLoad.requests)} (wrk: ${nginxLoad.socketDetail}),
built-in ${builtinFailures} of ${formatNumber(builtinLoad.requests)}. With \`-H 'Connection: close'\` (a new connection per request) the nginx
engine failed ${nginxClose.non2xx + nginxClose.socketErrors} of ${formatNumber(nginxClose.requests)} during another ${changes} reloads. wrk counts a \`read\` error when a
keep-alive connection it just reused is closed before a response: nginx's old workers close their keep-alive connections when a
reload retires them, and a request racing that close is lost for a client that does not retry (RFC 9112 §9.3.1 allows retrying
it; browsers and curl do, wrk does not). ${
    hasKeepaliveMinTimeout(nginxVersionFound)
      ? `nginx ${nginxRelease} has \`keepalive_min_timeout\`, which kdns renders (1s): a reload's retiring workers then answer requests on recently used keep-alive connections (with \`Connection: close\`) instead of dropping them.`
      : `nginx ${nginxRelease} predates \`keepalive_min_timeout\` (1.27.4), which kdns renders when nginx has it: with it a reload's retiring workers answer requests on recently used keep-alive connections (with \`Connection: close\`) instead of dropping them.`
  }

Where the built-in engine's time goes (\`node --cpu-prof\` under this load): mostly the two send system calls per request (to the client and to the backend) and node:http's server side. Its upstream side is a raw-socket keep-alive pool with a strict bounded response-head parser (src/gateway/builtin/upstream-pool.ts, response-head.ts) instead of node:http's client, which the http-proxy peer still runs on.
`;
  await writeSection(
    join(root, "BENCHMARKS.md"),
    nginxArg ? `bench:gateway:nginx-${nginxRelease}` : "bench:gateway",
    body,
  );
  progress(`wrote BENCHMARKS.md, bench/results/${chart} and ${tlsChart}`);
} finally {
  await Promise.all(children.map((c) => c.stop()));
  await rm(dir, { recursive: true, force: true });
}
