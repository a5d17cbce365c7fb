/**
 * The real glibc resolver through `kdns resolv-conf`: kdns DNS on port 53 of a loopback address
 * picked at random for this run (resolv.conf cannot name a port; no fixed address another run or
 * a user's resolver may hold), the printed resolv.conf bind-mounted over
 * /etc/resolv.conf in a private mount namespace (`unshare -m`, needs root), and `getent hosts`
 * finding `web` and `web.other` as a pod in `default` would. Non-cluster names go to a fake
 * upstream the test starts, never to a real resolver.
 */

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { childEnv } from "../support/child.ts";
import { type FakeUpstream, startFakeUpstream } from "../support/fake-upstream.ts";
import { freePort } from "../support/free-port.ts";
import { BIN, NODE } from "../support/kdns-up.ts";
import { spareLoopbackAddress } from "../support/loopback.ts";
import { api, type KdnsUp, startKdnsUp } from "./kdns-dns-harness.ts";

/** A loopback address nothing else uses, so kdns can have its port 53. */
const DNS_ADDRESS = spareLoopbackAddress();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 30_000, env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir = "";
let upstream: FakeUpstream;
let kdns: KdnsUp | undefined;
let resolvConf = "";
const clusterIPs: Record<string, string> = {};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kdns-resolv-conf-"));
  upstream = await startFakeUpstream();
  kdns = await startKdnsUp(await freePort(), [
    "--dns-listen",
    `${DNS_ADDRESS}:53`,
    "--upstream",
    `127.0.0.1:${upstream.port}`,
    "--gateway-listen",
    `127.0.0.1:${await freePort()}`,
    "--gateway-tls-listen",
    "none",
  ]);
  const ns = await api(kdns.server, "POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "other" },
  });
  assert.equal(ns.status, 201, JSON.stringify(ns.body));
  for (const namespace of ["default", "other"]) {
    const res = await api(kdns.server, "POST", `/api/v1/namespaces/${namespace}/services`, {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace },
      spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80 }] },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    clusterIPs[namespace] = res.body.spec.clusterIP;
  }
  const printed = await run(NODE, [BIN, "resolv-conf", "-n", "default", "--dns-address", DNS_ADDRESS], childEnv());
  assert.equal(printed.code, 0, printed.stderr);
  resolvConf = printed.stdout;
  await writeFile(join(dir, "resolv.conf"), resolvConf);
});

after(async () => {
  await kdns?.stop();
  await upstream?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs `getent hosts <name>` with the printed resolv.conf as /etc/resolv.conf, in a private mount namespace. */
async function getentHosts(name: string): Promise<Run> {
  const script = `mount --bind "$1" /etc/resolv.conf && exec getent hosts "$2"`;
  const r = await run("unshare", ["-m", "sh", "-c", script, "sh", join(dir, "resolv.conf"), name]);
  if (/unshare: |mount: /.test(r.stderr)) {
    assert.fail(
      `this test needs a private mount namespace (root, unshare -m and mount --bind allowed); it got: ${r.stderr.trim()}`,
    );
  }
  return r;
}

test("kdns resolv-conf prints the pod's nameserver, search list and ndots", () => {
  assert.equal(
    resolvConf,
    `nameserver ${DNS_ADDRESS}\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n`,
  );
});

test("two services named web in different namespaces have different cluster IPs", () => {
  assert.ok(clusterIPs["default"] && clusterIPs["other"], JSON.stringify(clusterIPs));
  assert.notEqual(clusterIPs["default"], clusterIPs["other"]);
});

test("glibc getent finds the short name in the pod's own namespace", async () => {
  const r = await getentHosts("web");
  assert.equal(r.code, 0, `getent hosts web failed (${r.code}): ${r.stderr}`);
  assert.match(
    r.stdout,
    new RegExp(`^${clusterIPs["default"]!.replaceAll(".", "\\.")}\\s+web\\.default\\.svc\\.cluster\\.local\\b`),
    r.stdout,
  );
});

test("glibc getent finds name.namespace through the search list", async () => {
  const r = await getentHosts("web.other");
  assert.equal(r.code, 0, `getent hosts web.other failed (${r.code}): ${r.stderr}`);
  assert.match(
    r.stdout,
    new RegExp(`^${clusterIPs["other"]!.replaceAll(".", "\\.")}\\s+web\\.other\\.svc\\.cluster\\.local\\b`),
    r.stdout,
  );
});

test("glibc getent of an unknown short name fails, after the search list, asking upstream for it as is", async () => {
  const r = await getentHosts("nosuch-service");
  assert.notEqual(r.code, 0, `getent hosts nosuch-service should fail, printed: ${r.stdout}`);
  assert.equal(r.stdout, "");
  // The last try, the name as is, is not a cluster name: kdns forwards it (proof glibc asked kdns).
  assert.ok(
    upstream.count("nosuch-service") >= 1,
    `upstream saw: ${JSON.stringify(upstream.queries.map((q) => q.name))}`,
  );
  assert.equal(upstream.count("nosuch-service.default.svc.cluster.local"), 0, "cluster names are never forwarded");
});

test("kubernetes.default resolves, as the first step of Kubernetes' DNS debugging guide asks", async () => {
  const r = await getentHosts("kubernetes.default");
  assert.equal(r.code, 0, `getent hosts kubernetes.default failed (${r.code}): ${r.stderr}`);
  assert.match(r.stdout, /^10\.96\.0\.1\s+kubernetes\.default\.svc\.cluster\.local\b/, r.stdout);
  const svc = await api(kdns!.server, "GET", "/api/v1/namespaces/default/services/kubernetes");
  assert.equal(svc.body.spec.clusterIP, "10.96.0.1");
});
