/**
 * The real `kdns` binary end to end: `kdns up --store memory` as a child process on a free
 * loopback port, and the CLI commands run as child processes against it. Every child runs in the
 * test's temp dir with {@link childEnv}, so none falls back to the checkout's `./.kdns` or to a
 * `kdns up` the user runs on the default addresses.
 */

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import { findNginx } from "../../src/gateway/nginx/binary.ts";
import { childEnv, stillRunning } from "../support/child.ts";
import { freePort } from "../support/free-port.ts";
import { BIN, NODE } from "../support/kdns-up.ts";
import { closeServer, listenOrFail } from "../support/listen.ts";
import { waitFor } from "../support/wait-for.ts";

const ROOT = resolve(import.meta.dirname, "../..");

/** Whether process `pid` exists (signal 0 only asks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (30 s cap). */
function kdns(args: string[], options: { server?: string; stdin?: string } = {}): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const env = childEnv(options.server ? { KDNS_SERVER: options.server } : {});
    const child = spawn(NODE, [BIN, ...args], { cwd: dir, env, stdio: ["pipe", "pipe", "pipe"], timeout: 30_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}

/** Starts a long-running kdns command; resolves once it printed a line matching `ready`. */
function startDaemon(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<Result> } {
  const child = spawn(NODE, [BIN, ...args], { cwd: dir, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Result>((r) => child.on("close", (code, signal) => r({ code, signal, stdout, stderr })));
  return { child, output: () => stdout + stderr, exited };
}

/**
 * Waits for a daemon's /readyz on 127.0.0.1:`health`, then checks it printed where its health
 * endpoints are and that /healthz answers `ok`.
 */
async function healthServed(daemon: ReturnType<typeof startDaemon>, part: string, health: number): Promise<void> {
  await waitFor(
    async () => {
      stillRunning(daemon.child, `kdns ${part}`, daemon.output);
      return (await fetch(`http://127.0.0.1:${health}/readyz`).catch(() => undefined))?.ok === true;
    },
    { timeoutMs: 30_000, what: `kdns ${part} /readyz` },
  );
  const paths = part === "gateway" ? "/healthz, /readyz, /metrics, /kdns/explain/route" : "/healthz, /readyz, /metrics";
  assert.ok(
    daemon.output().includes(`kdns: ${part} health at http://127.0.0.1:${health} (${paths})\n`),
    daemon.output(),
  );
  assert.equal(await (await fetch(`http://127.0.0.1:${health}/healthz`)).text(), "ok");
}

let dir = "";
let server = "";
let port = 0;
let metricsPort = 0;
let tlsPort = 0;
let up: ReturnType<typeof startDaemon> | undefined;

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: metrics, port: 9090}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: shop, labels: {app: web}}
spec:
  nodeName: node1
  containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]
status:
  phase: Running
  podIP: 10.1.0.5
  podIPs: [{ip: 10.1.0.5}]
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: v1
kind: Service
metadata: {name: legacy, namespace: shop}
spec:
  ports: [{port: 3306}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: legacy, namespace: shop}
subsets:
  - addresses: [{ip: 192.168.1.10}, {ip: 192.168.1.11}]
    ports: [{port: 3306}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: legacy-manual, namespace: shop, labels: {kubernetes.io/service-name: legacy}}
addressType: IPv4
ports: [{port: 3306}]
endpoints: [{addresses: [192.168.1.10], conditions: {ready: true}}]
---
apiVersion: kdns.dev/v1
kind: DNSRecord
metadata: {name: shop-site, namespace: shop}
spec:
  host: shop.example.com
  paths:
    - {path: /api, service: web, port: 80}
    - {path: /static, address: 10.1.0.9, port: 8080}
`;

const FLAT_DNS = {
  kind: "DNS",
  apiVersion: "v1",
  name: "dns-test1",
  host: "node1.com",
  paths: [
    { address: "10.1.1.10", service: "service1", port: 8010 },
    { address: "10.1.1.11", service: "service2", port: 8011 },
  ],
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kdns-cli-e2e-"));
  await writeFile(join(dir, "all.yaml"), MANIFEST);
  await writeFile(join(dir, "flat-dns.json"), JSON.stringify(FLAT_DNS, null, 2));
  port = await freePort();
  up = startDaemon([
    "up",
    "--store",
    "memory",
    "--api-listen",
    `127.0.0.1:${port}`,
    "--dns-listen",
    `127.0.0.1:${await freePort()}`,
    "--gateway-listen",
    `127.0.0.1:${await freePort()}`,
    "--gateway-tls-listen",
    `127.0.0.1:${(tlsPort = await freePort())}`,
    "--data-dir",
    join(dir, "data"),
    "--upstream",
    "none",
    "--metrics-listen",
    `127.0.0.1:${(metricsPort = await freePort())}`,
  ]);
  const daemon = up;
  // The gateway is the last part `kdns up` starts; /readyz only covers the parts started so far.
  await waitFor(
    () => {
      stillRunning(daemon.child, "kdns up", daemon.output);
      return /kdns: gateway \(builtin\) listening on /.test(daemon.output());
    },
    { timeoutMs: 30_000, what: "the gateway's listening line" },
  );
  server = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${server}/readyz`)).ok, { timeoutMs: 30_000, what: "/readyz" });
});

after(async () => {
  if (up && up.child.exitCode === null && up.child.signalCode === null) {
    up.child.kill("SIGKILL");
    await up.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

test("up prints one line per part with where the API listens", async () => {
  // /readyz can answer before the parts after the API server have started (and printed).
  await waitFor(() => /kdns: dns server listening on /.test(up?.output() ?? ""), {
    timeoutMs: 30_000,
    what: `every part's line, got: ${up?.output()}`,
  });
  assert.match(up?.output() ?? "", new RegExp(`kdns: api server listening on http://127\\.0\\.0\\.1:${port}\\n`));
  assert.match(up?.output() ?? "", /kdns: controllers running against /);
  assert.match(up?.output() ?? "", /kdns: dns server listening on 127\.0\.0\.1:\d+ \(udp, tcp\) for cluster\.local\n/);
  assert.match(
    up?.output() ?? "",
    new RegExp(
      `kdns: gateway \\(builtin\\) listening on 127\\.0\\.0\\.1:\\d+ and 127\\.0\\.0\\.1:${tlsPort} \\(HTTPS\\), `,
    ),
  );
});

test("/metrics on the API server and on --metrics-listen: the process, CoreDNS's build info and DNS families", async () => {
  assert.match(up?.output() ?? "", new RegExp(`kdns: metrics at http://127\\.0\\.0\\.1:${metricsPort}/metrics\\n`));
  for (const url of [`${server}/metrics`, `http://127.0.0.1:${metricsPort}/metrics`]) {
    const res = await fetch(url);
    assert.equal(res.status, 200, url);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^process_cpu_user_seconds_total \d/m);
    assert.match(text, /^coredns_build_info\{version="kdns-[^"]+",revision="",goversion="v\d+[^"]*"\} 1$/m);
    assert.match(
      text,
      /^coredns_plugin_enabled\{server="dns:\/\/127\.0\.0\.1:\d+",zone="\.",view="",name="kubernetes"\} 1$/m,
    );
    assert.match(text, /^coredns_panics_total 0$/m);
    // The API server, its storage and the controllers count into the same registry.
    assert.match(text, /^apiserver_request_total\{.*verb="LIST".*code="200"\} \d+$/m);
    assert.match(text, /^etcd_requests_total\{operation="create",group="",resource="namespaces"\} \d+$/m);
    assert.match(text, /^workqueue_depth\{name="endpoint"\} \d+$/m);
  }
});

test("apply creates every kind, then reports unchanged, then configured", async () => {
  const first = await kdns(["apply", "-f", join(dir, "all.yaml"), "-f", join(dir, "flat-dns.json")], { server });
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(first.stdout.trim().split("\n"), [
    "namespace/shop created",
    "service/web created",
    "service/db created",
    "pod/web-1 created",
    "service/legacy created",
    "endpoints/legacy created",
    "endpointslice.discovery.k8s.io/legacy-manual created",
    "dnsrecord.kdns.dev/shop-site created",
    "dnsrecord.kdns.dev/dns-test1 created",
  ]);
  const again = await kdns(["apply", "-f", dir], { server });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^service\/web unchanged$/m);
  assert.match(again.stdout, /^dnsrecord\.kdns\.dev\/dns-test1 unchanged$/m);
  assert.doesNotMatch(again.stdout, /configured|created/);
  const changed = await kdns(["apply", "-n", "shop", "-f", "-"], {
    server,
    stdin: "apiVersion: v1\nkind: Service\nmetadata: {name: legacy}\nspec:\n  ports: [{port: 3307}]\n",
  });
  assert.equal(changed.code, 0, changed.stderr);
  assert.equal(changed.stdout, "service/legacy configured\n");
});

test("get services: table, wide, -A, json, yaml, name", async () => {
  const table = await kdns(["get", "svc", "-n", "shop"], { server });
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split("\n");
  assert.deepEqual(lines[0]?.split(/\s+/), ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]);
  const db = lines.find((l) => l.startsWith("db "))?.split(/\s+/);
  assert.deepEqual(db?.slice(0, 5), ["db", "ClusterIP", "None", "<none>", "5432/TCP"]);
  const web = lines.find((l) => l.startsWith("web "))?.split(/\s+/);
  assert.match(web?.[2] ?? "", /^10\.(9[6-9]|1[01]\d)\.\d+\.\d+$/, "a cluster IP from 10.96.0.0/12");
  assert.equal(web?.[4], "80/TCP,9090/TCP");
  assert.match(web?.[5] ?? "", /^\d+s$/);

  const wide = await kdns(["get", "services", "-A", "-o", "wide"], { server });
  const header = wide.stdout.split("\n")[0]?.split(/\s+/);
  assert.equal(header?.[0], "NAMESPACE");
  assert.equal(header?.at(-1), "SELECTOR");
  assert.match(wide.stdout, /^shop\s+web\s+.*app=web$/m);
  assert.match(wide.stdout, /^default\s+kubernetes\s+|^shop\s+db\s+/m);

  const json = JSON.parse((await kdns(["get", "svc", "web", "-n", "shop", "-o", "json"], { server })).stdout) as {
    kind: string;
    spec: { ports: { name: string }[] };
  };
  assert.equal(json.kind, "Service");
  assert.deepEqual(
    json.spec.ports.map((p) => p.name),
    ["http", "metrics"],
  );

  const list = JSON.parse((await kdns(["get", "svc", "web", "db", "-n", "shop", "-o", "json"], { server })).stdout) as {
    kind: string;
    apiVersion: string;
    items: { metadata: { name: string } }[];
  };
  assert.equal(list.kind, "List");
  assert.equal(list.apiVersion, "v1");
  assert.deepEqual(
    list.items.map((i) => i.metadata.name),
    ["web", "db"],
  );

  const yaml = parse((await kdns(["get", "svc", "-n", "shop", "-o", "yaml"], { server })).stdout) as {
    kind: string;
    items: { metadata: { name: string }; spec: { clusterIP: string } }[];
  };
  assert.equal(yaml.kind, "List");
  assert.equal(yaml.items.find((i) => i.metadata.name === "db")?.spec.clusterIP, "None");

  const names = await kdns(["get", "svc", "-n", "shop", "-l", "app=web", "-o", "name"], { server });
  assert.equal(names.stdout, "service/web\n");
});

test("get pods, endpoints, endpointslices, namespaces, dnsrecords", async () => {
  const pods = await kdns(["get", "po", "-n", "shop", "-o", "wide"], { server });
  assert.deepEqual(pods.stdout.split("\n")[0]?.split(/\s+/), [
    "NAME",
    "READY",
    "STATUS",
    "RESTARTS",
    "AGE",
    "IP",
    "NODE",
  ]);
  const pod = pods.stdout.split("\n")[1]?.split(/\s+/);
  assert.deepEqual(
    [pod?.[0], pod?.[1], pod?.[2], pod?.[5], pod?.[6]],
    ["web-1", "1/1", "Running", "10.1.0.5", "node1"],
  );

  // The controllers derive web's endpoints from the ready pod and its named port.
  await waitFor(
    async () => /^web\s+10\.1\.0\.5:8080/m.test((await kdns(["get", "ep", "-n", "shop"], { server })).stdout),
    { timeoutMs: 20_000, what: "endpoints of web" },
  );
  const eps = await kdns(["get", "endpoints", "-n", "shop"], { server });
  assert.deepEqual(eps.stdout.split("\n")[0]?.split(/\s+/), ["NAME", "ENDPOINTS", "AGE"]);
  assert.match(eps.stdout, /^legacy\s+192\.168\.1\.10:330\d,192\.168\.1\.11:330\d\s/m);

  const slices = await kdns(["get", "endpointslices", "legacy-manual", "-n", "shop"], { server });
  assert.deepEqual(slices.stdout.split("\n")[1]?.split(/\s+/).slice(0, 4), [
    "legacy-manual",
    "IPv4",
    "3306",
    "192.168.1.10",
  ]);

  const ns = await kdns(["get", "ns"], { server });
  assert.match(ns.stdout, /^NAME\s+STATUS\s+AGE$/m);
  assert.match(ns.stdout, /^shop\s+Active\s+\d+s$/m);

  const dns = await kdns(["get", "dns", "-n", "shop"], { server });
  assert.match(dns.stdout, /^NAME\s+HOST\s+PATHS\s+AGE$/m);
  assert.match(dns.stdout, /^shop-site\s+shop\.example\.com\s+\/api,\/static\s/m);
  const flat = JSON.parse(
    (await kdns(["get", "dnsrecords.kdns.dev", "dns-test1", "-o", "json"], { server })).stdout,
  ) as { spec: { host: string; paths: { address: string; port: number }[] } };
  assert.equal(flat.spec.host, "node1.com");
  assert.deepEqual(
    flat.spec.paths.map((p) => `${p.address}:${p.port}`),
    ["10.1.1.10:8010", "10.1.1.11:8011"],
  );
  const docs = parseAllDocuments((await kdns(["get", "dnsrecord", "dns-test1", "-o", "yaml"], { server })).stdout);
  assert.equal((docs[0]?.toJS() as { kind: string }).kind, "DNSRecord");
});

test("describe service, pod and dnsrecord", async () => {
  const svc = await kdns(["describe", "svc", "web", "-n", "shop"], { server });
  assert.equal(svc.code, 0, svc.stderr);
  assert.match(svc.stdout, /^Name:\s+web$/m);
  assert.match(svc.stdout, /^Namespace:\s+shop$/m);
  assert.match(svc.stdout, /^Labels:\s+app=web$/m);
  assert.match(svc.stdout, /^Port:\s+http\s+80\/TCP$/m);
  assert.match(svc.stdout, /^TargetPort:\s+http\/TCP$/m);
  assert.match(svc.stdout, /^Endpoints:\s+10\.1\.0\.5:8080/m);
  const pod = await kdns(["describe", "pod", "web-1", "-n", "shop"], { server });
  assert.match(pod.stdout, /^IP:\s+10\.1\.0\.5$/m);
  assert.match(pod.stdout, /^\s+Ready\s+True/m);
  const rec = await kdns(["describe", "dnsrecord", "shop-site", "-n", "shop"], { server });
  assert.match(rec.stdout, /^Host:\s+shop\.example\.com$/m);
  assert.match(rec.stdout, /^\s+\/static\s+10\.1\.0\.9\s+8080$/m);
});

test("errors: not found, unknown kind, empty result, version", async () => {
  const missing = await kdns(["get", "svc", "nope"], { server });
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error from server (NotFound): services "nope" not found\n');
  const unknown = await kdns(["get", "widgets"], { server });
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, 'error: the server doesn\'t have a resource type "widgets"\n');
  const empty = await kdns(["get", "pods"], { server });
  assert.equal(empty.code, 0);
  assert.equal(empty.stdout, "");
  assert.equal(empty.stderr, "No resources found in default namespace.\n");
  const version = await kdns(["version"], { server });
  assert.match(version.stdout, /^Client Version: \d+\.\d+\.\d+\nServer Version: v\d+/);
});

test("delete by name and with -f", async () => {
  const byName = await kdns(["delete", "svc", "legacy", "-n", "shop"], { server });
  assert.equal(byName.stdout, 'service "legacy" deleted\n');
  const byFile = await kdns(["delete", "-f", join(dir, "flat-dns.json")], { server });
  assert.equal(byFile.code, 0, byFile.stderr);
  assert.equal(byFile.stdout, 'dnsrecord.kdns.dev "dns-test1" deleted\n');
  const gone = await kdns(["get", "dns", "dns-test1"], { server });
  assert.equal(gone.stderr, 'Error from server (NotFound): dnsrecords.kdns.dev "dns-test1" not found\n');
});

test("the README's examples/ apply into a namespace of their own", async () => {
  const applied = await kdns(["apply", "-f", join(ROOT, "examples")], { server });
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /^dnsrecord\.kdns\.dev\/dns-test1 (created|configured|unchanged)$/m);
  assert.match(applied.stdout, /^service\/web (created|configured|unchanged)$/m);
  const json = JSON.parse((await kdns(["get", "dns", "dns-test1", "-o", "json"], { server })).stdout) as {
    spec: { host: string };
  };
  assert.equal(json.spec.host, "node1.com");
});

test("a reader that closes the pipe early (| head) ends the CLI quietly with exit 0", async () => {
  const result = await new Promise<Result>((resolvePromise, reject) => {
    const child = spawn(NODE, [BIN, "get", "ns", "-o", "yaml"], {
      cwd: dir,
      env: childEnv({ KDNS_SERVER: server }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stdout.destroy(); // like `head` exiting before kdns writes
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout: "", stderr }));
  });
  assert.deepEqual([result.code, result.stderr], [0, ""]);
});

test("a bad flag exits non-zero with one line and starts nothing", async () => {
  for (const args of [
    ["up", "--api-listen", "nowhere"],
    ["up", "--store", "paper"],
    ["up", "--service-cidr", "10.0.0.0/40"],
    ["up", "--bogus"],
  ]) {
    const r = await kdns(args);
    assert.notEqual(r.code, 0, args.join(" "));
    assert.equal(r.stdout, "", args.join(" "));
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, `one line for ${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /^error: /);
  }
});

test("gateway --nginx runs that nginx binary, and a wrong path exits with one line", async () => {
  const real = await findNginx();
  const calls = join(dir, "nginx-calls.log");
  const wrapper = join(dir, "my-nginx");
  await writeFile(wrapper, `#!/bin/sh\necho "$@" >> ${calls}\nexec ${real} "$@"\n`, { mode: 0o755 });
  const gw = startDaemon([
    "gateway",
    "--server",
    server,
    "--gateway",
    "nginx",
    "--nginx",
    wrapper,
    "--gateway-listen",
    `127.0.0.1:${await freePort()}`,
    "--gateway-tls-listen",
    "none",
    "--health-listen",
    `127.0.0.1:${await freePort()}`,
    "--data-dir",
    join(dir, "gw-data"),
  ]);
  try {
    await waitFor(
      () => {
        stillRunning(gw.child, "kdns gateway", gw.output);
        return /gateway \(nginx\) listening/.test(gw.output());
      },
      { what: `gateway up:\n${gw.output()}` },
    );
    const lines = (await readFile(calls, "utf8")).trim().split("\n");
    assert.ok(
      lines.some((l) => l.startsWith("-v")),
      `asked the version: ${lines.join(" | ")}`,
    );
    assert.ok(
      lines.some((l) => l.includes("-t")),
      `tested a config with it: ${lines.join(" | ")}`,
    );
  } finally {
    // At once after the listening line: kdns may still be starting its last parts, and a signal
    // then must still stop the nginx it started (in a process group of its own).
    const master = Number(await readFile(join(dir, "gw-data", "nginx", "nginx.pid"), "utf8").catch(() => "0"));
    gw.child.kill("SIGTERM");
    await gw.exited;
    assert.ok(master > 0, "nginx wrote its pid");
    assert.equal(alive(master), false, `nginx master ${master} still runs after kdns gateway exited`);
  }
  const r = await kdns([
    "gateway",
    "--server",
    server,
    "--gateway",
    "nginx",
    "--nginx",
    join(dir, "no-such-nginx"),
    "--gateway-listen",
    `127.0.0.1:${await freePort()}`,
    "--gateway-tls-listen",
    "none",
    "--health-listen",
    "127.0.0.1:0",
    "--data-dir",
    join(dir, "gw-data2"),
  ]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `error: gateway: nginx binary ${join(dir, "no-such-nginx")} is not an executable file\n`);
});

test("gateway --gateway-access-log to a file that cannot be opened exits with one line naming it", async () => {
  const path = join(dir, "no-such-dir", "access.log");
  const r = await kdns([
    "gateway",
    "--server",
    server,
    "--gateway-listen",
    `127.0.0.1:${await freePort()}`,
    "--gateway-tls-listen",
    "none",
    "--health-listen",
    "127.0.0.1:0",
    "--gateway-access-log",
    path,
    "--data-dir",
    join(dir, "gw-data3"),
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^error: gateway: cannot open access log ${path}: ENOENT.*\\n$`));
  assert.equal(r.stderr.split("\n").length, 2, r.stderr);
});

test("gateway alone serves /healthz, /readyz and /metrics on --health-listen, and /metrics on --metrics-listen", async () => {
  const health = await freePort();
  const metrics = await freePort();
  const gw = startDaemon([
    "gateway",
    "--server",
    server,
    "--gateway-listen",
    `127.0.0.1:${await freePort()}`,
    "--gateway-tls-listen",
    "none",
    "--health-listen",
    `127.0.0.1:${health}`,
    "--metrics-listen",
    `127.0.0.1:${metrics}`,
    "--data-dir",
    join(dir, "gw-data4"),
  ]);
  try {
    await healthServed(gw, "gateway", health);
    for (const port of [health, metrics]) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      assert.match(text, /^process_cpu_user_seconds_total \d/m);
      assert.match(
        text,
        /^nginx_ingress_controller_config_last_reload_successful\{.*controller_class="kdns\.dev\/gateway".*\} 1$/m,
      );
      assert.match(text, /^# TYPE nginx_ingress_controller_requests counter$/m);
      assert.match(text, /^kdns_informer_synced\{component="gateway",resource="dnsrecords"\} 1$/m);
    }
  } finally {
    gw.child.kill("SIGTERM");
    await gw.exited;
  }
});

test("controllers alone serve /healthz, /readyz and /metrics on --health-listen, and /metrics on --metrics-listen", async () => {
  const health = await freePort();
  const metrics = await freePort();
  const ctl = startDaemon([
    "controllers",
    "--server",
    server,
    "--health-listen",
    `127.0.0.1:${health}`,
    "--metrics-listen",
    `127.0.0.1:${metrics}`,
  ]);
  try {
    await healthServed(ctl, "controllers", health);
    for (const port of [health, metrics]) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      assert.match(text, /^process_cpu_user_seconds_total \d/m);
      assert.match(text, /^workqueue_depth\{name="endpoint"\} \d+$/m);
      assert.match(text, /^kdns_informer_synced\{component="controllers",resource="services"\} 1$/m);
    }
  } finally {
    ctl.child.kill("SIGTERM");
    await ctl.exited;
  }
});

test("a taken port exits non-zero with one line naming it", async () => {
  const blocker = createServer();
  try {
    const taken = await listenOrFail(blocker, 0, "127.0.0.1");
    const r = await kdns([
      "up",
      "--store",
      "memory",
      "--data-dir",
      join(dir, "taken-data"),
      "--api-listen",
      `127.0.0.1:${taken}`,
      "--dns-listen",
      `127.0.0.1:${await freePort()}`,
      "--gateway-listen",
      `127.0.0.1:${await freePort()}`,
      "--gateway-tls-listen",
      "none",
      "--upstream",
      "none",
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `error: api server: cannot listen on 127.0.0.1:${taken}: address already in use\n`);
  } finally {
    await closeServer(blocker);
  }
});

test("SIGINT stops up cleanly with exit code 0", async () => {
  assert.ok(up);
  up.child.kill("SIGINT");
  const result = await up.exited;
  assert.equal(result.signal, null);
  assert.equal(result.code, 0, result.stderr);
  await assert.rejects(fetch(`${server}/readyz`), "the API port is closed");
});
