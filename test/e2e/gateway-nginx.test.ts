/**
 * The nginx engine's safety properties against the real nginx: hostile hosts and paths are
 * refused by the API (422) and never change the rendered config; a configuration nginx rejects (its
 * reload fails) is never applied (the last good config keeps serving and is put back as nginx.conf,
 * the record's status says why), a rejected
 * certificate rotation included; nginx is restarted when it dies.
 */

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Registry } from "prom-client";
import { resourceByPath } from "../../src/api/resources.ts";
import type { DNSRecord, KubeObject, Secret } from "../../src/api/types.ts";
import type { NginxEngine } from "../../src/gateway/nginx/engine.ts";
import { renderNginxConfig } from "../../src/gateway/nginx/render.ts";
import { freePort } from "../support/free-port.ts";
import { parseSamples, sumOf } from "../support/prom-text.ts";
import { startTestCa, tlsSecret } from "../support/test-pki.ts";
import { waitFor } from "../support/wait-for.ts";
import { DNSRECORDS, dnsRecord, type GatewayHarness, http, startEcho, startGatewayHarness } from "./gateway-harness.ts";

const SECRETS = resourceByPath("", "secrets")!;
const EVENTS = resourceByPath("", "events")!;
let h: GatewayHarness;
let echo: Awaited<ReturnType<typeof startEcho>>;
const registry = new Registry();
/** ingress-nginx's gauge: whether the last configuration was taken. */
const reloadOk = async (): Promise<number> =>
  sumOf(parseSamples(await registry.metrics()), "nginx_ingress_controller_config_last_reload_successful");
const conf = (): Promise<string> => readFile(join(h.dataDir, "nginx", "nginx.conf"), "utf8");

before(async () => {
  echo = await startEcho("E");
  // A renderer that breaks the config whenever a record is named "break-nginx", to provoke a rejection.
  h = await startGatewayHarness("nginx", {
    metrics: registry,
    nginxRender: (table, listen) => {
      const text = renderNginxConfig(table, { listen });
      return table.outcomes.some((o) => o.owner.kind === "DNSRecord" && o.owner.name === "break-nginx")
        ? text.replace("http {", "http {\n    no_such_directive on;")
        : text;
    },
  });
  await h.client.create(
    DNSRECORDS,
    "default",
    dnsRecord("good", "good.test", [{ path: "/g", address: "127.0.0.1", port: echo.port }]),
  );
  await waitFor(async () => (await http(h.port, "good.test", "/g")).status === 200, { what: "good route live" });
  // Served is written after the apply (and its reload) finished, so the reload counter is settled.
  await waitFor(
    async () =>
      (await h.client.get<DNSRecord>(DNSRECORDS, "default", "good")).status?.conditions?.[0]?.status === "True",
    { what: "good Served" },
  );
});
after(async () => {
  await h?.close();
  await echo?.close();
});

const HOSTILE_HOSTS = [
  "a.com; include /etc/passwd",
  "a.com;}",
  "a.com { }",
  "a.com\nserver_name evil;",
  'evil.com"; include /etc/passwd; "',
  "~^(.*)$",
  "*",
  "ex$ample.com",
  "${host}",
  "a.com#",
  "a.com\r\nX-Injected: 1",
  "a.com\u0000",
  "127.0.0.1",
  "a..b.com",
  "exämple.com",
  "a.com:80",
];
const HOSTILE_PATHS = [
  "/x { return 200; } location /y",
  "/foo;}location /x {alias /var/run/secrets/;}",
  "/api/ { return 200; #",
  '/"\\',
  "/x\n}\nserver {",
  "/x$host",
  "/x${uri}",
  "/x#frag",
  "/x'",
  "/a/../b",
  "/a%2fb",
  "/a%2Fb",
  "/x\t",
  "/x\u0001",
  "relative",
  "/x; ssl_engine /tmp/a.so;",
];

test("hostile hosts and paths are rejected with 422 and leave the nginx config untouched", async () => {
  const before = await conf();
  const reloads = (h.gateway.engine as NginxEngine).reloads;
  for (const host of HOSTILE_HOSTS) {
    const r = await h.api.call(
      "POST",
      "/apis/kdns.dev/v1/namespaces/default/dnsrecords",
      dnsRecord("bad-host", host, [{ path: "/x", address: "127.0.0.1", port: 80 }]),
    );
    assert.equal(r.status, 422, `host ${JSON.stringify(host)}`);
  }
  for (const path of HOSTILE_PATHS) {
    const r = await h.api.call(
      "POST",
      "/apis/kdns.dev/v1/namespaces/default/dnsrecords",
      dnsRecord("bad-path", "ok.test", [{ path, address: "127.0.0.1", port: 80 }]),
    );
    assert.equal(r.status, 422, `path ${JSON.stringify(path)}`);
  }
  for (const address of ["1.2.3.4:80; include /etc/shadow;", "$host", "unix:/var/run/docker.sock", "http://evil/"]) {
    const r = await h.api.call(
      "POST",
      "/apis/kdns.dev/v1/namespaces/default/dnsrecords",
      dnsRecord("bad-addr", "ok.test", [{ path: "/x", address, port: 80 }]),
    );
    assert.equal(r.status, 422, `address ${JSON.stringify(address)}`);
  }
  const port = await h.api.call(
    "POST",
    "/apis/kdns.dev/v1/namespaces/default/dnsrecords",
    dnsRecord("bad-port", "ok.test", [{ path: "/x", address: "127.0.0.1", port: 99999 }]),
  );
  assert.equal(port.status, 422);
  // an update of a good record to a hostile path is refused as well
  const upd = await h.api.call(
    "PATCH",
    "/apis/kdns.dev/v1/namespaces/default/dnsrecords/good",
    { spec: { paths: [{ path: "/g;}", address: "127.0.0.1", port: 80 }] } },
    { "content-type": "application/merge-patch+json" },
  );
  assert.equal(upd.status, 422);
  assert.equal(await conf(), before);
  assert.equal((h.gateway.engine as NginxEngine).reloads, reloads);
  assert.equal((await http(h.port, "good.test", "/g")).status, 200);
});

test("a configuration nginx rejects is never applied; the last good one serves and the status says why", async () => {
  const good = await conf();
  const reloads = (h.gateway.engine as NginxEngine).reloads;
  await h.client.create(
    DNSRECORDS,
    "default",
    dnsRecord("break-nginx", "broken.test", [{ path: "/b", address: "127.0.0.1", port: echo.port }]),
  );
  const rec = await waitFor(
    async () => {
      const r = await h.client.get<DNSRecord>(DNSRECORDS, "default", "break-nginx");
      return r.status?.conditions?.[0]?.reason === "ConfigRejected" ? r : undefined;
    },
    { what: "ConfigRejected status" },
  );
  assert.equal(rec.status?.conditions?.[0]?.status, "False");
  assert.match(rec.status?.conditions?.[0]?.message ?? "", /no_such_directive/);
  const event = await waitFor(
    async () =>
      (
        await h.client.list<KubeObject & { reason?: string; message?: string }>(EVENTS, "default", {
          fieldSelector: "involvedObject.name=break-nginx,reason=ConfigRejected",
        })
      ).items[0],
    { what: "a ConfigRejected Event" },
  );
  assert.match(event.message ?? "", /no_such_directive/);
  assert.equal(await conf(), good);
  assert.equal((h.gateway.engine as NginxEngine).reloads, reloads);
  assert.equal(await reloadOk(), 0, "nginx_ingress_controller_config_last_reload_successful says so");
  assert.equal((await http(h.port, "good.test", "/g")).status, 200, "last good config keeps serving");
  assert.equal((await http(h.port, "broken.test", "/b")).status, 404);
  const goodStatus = await h.client.get<DNSRecord>(DNSRECORDS, "default", "good");
  assert.equal(goodStatus.status?.conditions?.[0]?.status, "True", "records of the serving config stay Served");
  // removing the offender recovers
  await h.client.delete(DNSRECORDS, "default", "break-nginx");
  await h.client.create(
    DNSRECORDS,
    "default",
    dnsRecord("after", "after.test", [{ path: "/a", address: "127.0.0.1", port: echo.port }]),
  );
  await waitFor(async () => (await http(h.port, "after.test", "/a")).status === 200, { what: "recovery" });
  // the status is written after the apply (and its reload) finished: the controller is idle again
  await waitFor(
    async () =>
      (await h.client.get<DNSRecord>(DNSRECORDS, "default", "after")).status?.conditions?.[0]?.status === "True",
    { what: "after Served" },
  );
  assert.equal(await reloadOk(), 1);
});

test("an unchanged rendering causes no reload; nginx is restarted when it dies", async () => {
  const engine = h.gateway.engine as NginxEngine;
  const reloads = engine.reloads;
  const passes = h.gateway.passes();
  // a status-only change of a record triggers a controller pass but renders the same config
  await h.client.patch(DNSRECORDS, "default", "good", { metadata: { labels: { touched: "yes" } } });
  await waitFor(() => h.gateway.passes() > passes, { what: "controller pass" });
  assert.equal(engine.reloads, reloads);
  const pid = engine.supervisor.pid;
  assert.ok(pid);
  process.kill(pid, "SIGKILL");
  await waitFor(() => engine.supervisor.restarts >= 1 && engine.supervisor.pid !== pid, { what: "nginx restarted" });
  const pidFile = join(h.dataDir, "nginx", "nginx.pid");
  await waitFor(
    async () => (await readFile(pidFile, "utf8").catch(() => "")).trim() === String(engine.supervisor.pid),
    { what: "new master wrote its pid" },
  );
  assert.equal(engine.supervisor.restarts, 1, "the orphaned workers were killed, so the first restart could bind");
  await waitFor(async () => (await http(h.port, "good.test", "/g")).status === 200, { what: "serving after restart" });
});

test("a certificate rotation nginx rejects leaves the previous certificate serving and says so on the record", async () => {
  const ca = await startTestCa();
  // A renderer that breaks the configuration whenever a certificate with serial BADD is in the table.
  const tls = await startGatewayHarness("nginx", {
    tls: { host: "127.0.0.1", port: await freePort() },
    nginxRender: (table, listen) => {
      const text = renderNginxConfig(table, { listen });
      return table.hosts.some((h) => h.tls?.certificate.leaf.serialNumber === "BADD")
        ? text.replace("http {", "http {\n    no_such_directive on;")
        : text;
    },
  });
  try {
    const put = async (serial: string, create: boolean): Promise<void> => {
      const leaf = await ca.issue(["rot.test"], { serial });
      const secret = tlsSecret("rot", leaf.cert, leaf.key);
      if (create) await tls.client.create(SECRETS, "default", secret);
      else {
        const old = await tls.client.get<Secret>(SECRETS, "default", "rot");
        const resourceVersion = old.metadata.resourceVersion ?? "";
        await tls.client.update(SECRETS, { ...secret, metadata: { ...secret.metadata, resourceVersion } });
      }
    };
    await put("01", true);
    const rec = dnsRecord("rot", "rot.test", [{ path: "/", address: "127.0.0.1", port: echo.port }]);
    rec.spec.tls = { secretName: "rot" };
    await tls.client.create(DNSRECORDS, "default", rec);
    await tls.condition("rot", (c) => c.status === "True", "Served");
    await put("BADD", false);
    const rejected = await tls.condition("rot", (c) => c.reason === "ConfigRejected", "ConfigRejected");
    assert.match(rejected.message ?? "", /no_such_directive/);
    await put("02", false);
    await tls.condition(
      "rot",
      (c) => c.status === "True" && /serial 02/.test(c.message ?? ""),
      "Served with serial 02",
    );
  } finally {
    await tls.close();
    await ca.close();
  }
});
