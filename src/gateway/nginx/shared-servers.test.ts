/** Which hosts share a server block, and that nginx takes a large shared rendering (real `nginx -t`). */

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { dnsRoute } from "../../../test/support/routes.ts";
import type { HostRoutes, HostTLS, Route, RouteTable } from "../routes/model.ts";
import type { ServingCertificate } from "../tls/certificate.ts";
import { findNginx } from "./binary.ts";
import { renderNginxConfig } from "./render.ts";

const LISTEN = { listen: "127.0.0.1:8080" };

/** An HTTPRoute-style route: path `prefix` passed unchanged to one backend. */
function passRoute(prefix: string, name: string, port: number): Route {
  return {
    match: { path: { type: "PathPrefix", value: prefix } },
    owner: { kind: "HTTPRoute", namespace: "d", name },
    filters: [],
    groups: [{ weight: 1, target: name, backends: [{ ip: "127.0.0.1", port }] }],
  };
}

const serverNames = (text: string): string[][] =>
  [...text.matchAll(/^ {8}server_name ([^;]+);$/gms)].map((m) => m[1]!.split(/\s+/).map((n) => JSON.parse(n)));

test("hosts that differ only in their upstreams share one block; each host's upstream comes from a map", () => {
  const hosts: HostRoutes[] = ["a.com", "b.com", "*.c.com"].map((host, i) => ({
    host,
    routes: [passRoute("/api", `r${i}`, 9000 + i)],
  }));
  const text = renderNginxConfig({ hosts, outcomes: [] }, LISTEN);
  assert.deepEqual(serverNames(text), [["a.com", "b.com", "*.c.com"]]);
  assert.match(text, /^ {4}map \$host \$kdns_s0_\d+ \{\n {8}hostnames;\n/m);
  assert.match(text, /^ {8}"\*\.c\.com" kdns_2_0;$/m);
  // No URI in proxy_pass: a variable there passes the request's URI as the name did.
  assert.match(text, /^ {12}proxy_pass http:\/\/\$kdns_s0_\d+;$/m);
});

test("a path rewritten by proxy_pass's own URI keeps the upstream's name, so only hosts with the same upstream share", () => {
  const hosts: HostRoutes[] = [
    { host: "a.com", routes: [dnsRoute({ prefix: "/svc", record: "d/a", backends: [{ ip: "127.0.0.1", port: 1 }] })] },
    { host: "b.com", routes: [dnsRoute({ prefix: "/svc", record: "d/b", backends: [{ ip: "127.0.0.1", port: 1 }] })] },
    { host: "c.com", routes: [dnsRoute({ prefix: "/svc", record: "d/c", backends: [{ ip: "127.0.0.1", port: 2 }] })] },
  ];
  const text = renderNginxConfig({ hosts, outcomes: [] }, LISTEN);
  assert.deepEqual(serverNames(text), [["a.com", "b.com"], ["c.com"]]);
  assert.doesNotMatch(text, /proxy_pass http:\/\/\$/);
  assert.match(text, /proxy_pass http:\/\/kdns_0_0\/;/);
});

test("hosts with different certificates or redirects get blocks of their own; a map keyword host too", () => {
  const tlsOf = (id: string, redirect: boolean): HostTLS => ({
    secret: "d/s",
    owner: { kind: "HTTPRoute", namespace: "d", name: "r" },
    certificate: { id: id.repeat(32) } as ServingCertificate,
    redirect,
  });
  const hosts: HostRoutes[] = [
    { host: "a.com", routes: [passRoute("/", "r", 1)], tls: tlsOf("a", false) },
    { host: "b.com", routes: [passRoute("/", "r", 1)], tls: tlsOf("a", false) },
    { host: "c.com", routes: [passRoute("/", "r", 1)], tls: tlsOf("c", false) },
    { host: "d.com", routes: [passRoute("/", "r", 1)], tls: tlsOf("a", true) },
    { host: "default", routes: [passRoute("/", "r", 1)] },
    { host: "e.com", routes: [passRoute("/", "r", 1)] },
  ];
  const text = renderNginxConfig(
    { hosts, outcomes: [] },
    { ...LISTEN, tls: { listen: "127.0.0.1:8443", publicPort: 443, defaultCertificate: "f".repeat(32) } },
  );
  // Plain and TLS block of each group: a+b share a certificate, c and d differ, "default" is alone.
  assert.deepEqual(serverNames(text), [
    ["a.com", "b.com"],
    ["a.com", "b.com"],
    ["c.com"],
    ["c.com"],
    ["d.com"],
    ["d.com"],
    ["default"],
    ["e.com"],
  ]);
  // Without TLS every one of them has one shape.
  const plain = renderNginxConfig({ hosts: hosts.filter((h) => h.host !== "default"), outcomes: [] }, LISTEN);
  assert.deepEqual(serverNames(plain), [["a.com", "b.com", "c.com", "d.com", "e.com"]]);
});

test("a thousand hosts to a thousand backends: one server block, sized hashes, and nginx -t takes it", async () => {
  const hosts: HostRoutes[] = Array.from({ length: 1000 }, (_, i) => ({
    host: i % 10 === 0 ? `*.w${i}.routes.test` : `route-${i}.routes.test`,
    routes: [passRoute("/", `r${i}`, 10_000 + i)],
  }));
  const table: RouteTable = { hosts, outcomes: [] };
  const text = renderNginxConfig(table, { ...LISTEN, requestLog: { accessLog: true } });
  assert.equal(serverNames(text).length, 1);
  assert.equal(serverNames(text)[0]!.length, 1000);
  assert.match(text, /^ {4}server_names_hash_max_size 2048;$/m);
  assert.equal(text.match(/^ {4}upstream /gm)?.length, 1000);
  const dir = await mkdtemp(join(tmpdir(), "kdns-shared-"));
  try {
    for (const sub of ["logs", "tmp"]) await mkdir(join(dir, sub));
    await writeFile(join(dir, "nginx.conf"), text);
    const nginx = await findNginx();
    const args = ["-t", "-p", `${dir}/`, "-c", join(dir, "nginx.conf"), "-e", join(dir, "logs/error.log")];
    const { stderr } = await promisify(execFile)(nginx, args);
    assert.match(stderr, /test is successful/);
    assert.doesNotMatch(stderr, /\[warn\]/, "no hash nginx could not size");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
