/**
 * The path-gateway scenario end to end, with the real `kdns up` for each gateway engine: two HTTP
 * servers, each on a loopback address of its own, serve test.html; a flat `kind: DNS` record
 * (docs/flat-dns-form.md) is posted verbatim but for its backends (10.1.1.10:8010 and 10.1.1.11:8011 become those servers);
 * `dig` resolves node1.com against kdns's DNS and `curl` fetches through the gateway at the
 * resolved address. Then a port change and a deletion are followed within a second, and the same
 * works with a Service + Pods, and the same flat record with spec.tls added serves HTTPS with a
 * Secret's certificate (curl --cacert, HTTP/2) and redirects plain HTTP. Every server listens on a
 * port the OS picks, on addresses nothing else uses (not the README's 127.1.1.10:8010, which a
 * user may be serving while the tests run).
 */

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import { type Backend, flatDnsRecordWith } from "../support/flat-dns-record.ts";
import { freePort } from "../support/free-port.ts";
import { closeServer, listenOrFail } from "../support/listen.ts";
import { spareLoopbackAddress } from "../support/loopback.ts";
import { startTestCa, type TestCa } from "../support/test-pki.ts";
import { curl as tlsCurl } from "../support/tls-clients.ts";
import { waitFor } from "../support/wait-for.ts";
import { api, dig, type KdnsUp, startKdnsUp } from "./kdns-dns-harness.ts";

const RECORDS = "/apis/kdns.dev/v1/namespaces/default/dnsrecords";
/** The record's two backend hosts. */
const HOST1 = spareLoopbackAddress();
const HOST2 = spareLoopbackAddress([HOST1]);

/** Every server started so far: after() closes them all, also when a later one failed to start. */
const servers: Server[] = [];

/** Serves `text` as /test.html on `host` and a free port; resolves with where. */
async function serve(host: string, text: string): Promise<Backend> {
  const server = createServer((req, res) => {
    if (req.url === "/test.html") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(text);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  servers.push(server);
  return { address: host, port: await listenOrFail(server, 0, host) };
}

/** `curl` with `--resolve`, as a user would run it; returns "<status> <body>". */
function curl(host: string, port: number, address: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "curl",
      [
        "-s",
        "--noproxy",
        "*",
        "--max-time",
        "5",
        "-w",
        " %{http_code}",
        "--resolve",
        `${host}:${port}:${address}`,
        `http://${host}:${port}${path}`,
      ],
      (err, stdout) => {
        if (err && !stdout) return reject(err);
        const at = stdout.lastIndexOf(" ");
        resolve(`${stdout.slice(at + 1)} ${stdout.slice(0, at)}`);
      },
    );
  });
}

let service1: Backend;
let service2: Backend;
/** service1's page at another port of the same host, for the port change. */
let moved: Backend;
/** The record with its backends moved onto service1 and service2. */
let noteRecord: string;
let ca: TestCa;
before(async () => {
  ca = await startTestCa();
  service1 = await serve(HOST1, "service1 test page");
  service2 = await serve(HOST2, "service2 test page");
  moved = await serve(HOST1, "service1 moved");
  noteRecord = flatDnsRecordWith(service1, service2);
});
after(async () => {
  await Promise.all(servers.map(closeServer));
  await ca?.close();
});

for (const engine of ["builtin", "nginx"] as const) {
  describe(`path-gateway scenario through kdns up --gateway ${engine}`, () => {
    let kdns: KdnsUp;
    let dnsPort: number;
    let gwPort: number;
    let tlsPort: number;
    before(async () => {
      dnsPort = await freePort();
      gwPort = await freePort();
      tlsPort = await freePort();
      kdns = await startKdnsUp(await freePort(), [
        "--dns-listen",
        `127.0.0.1:${dnsPort}`,
        "--upstream",
        "none",
        "--gateway",
        engine,
        "--gateway-listen",
        `127.0.0.1:${gwPort}`,
        "--gateway-tls-listen",
        `127.0.0.1:${tlsPort}`,
        // As behind a port forward from 443: redirects name no port.
        "--gateway-tls-public-port",
        "443",
      ]);
    });
    after(async () => {
      await kdns?.stop();
    });

    test("curl /service1/test.html and /service2/ at the gateway address; port change and delete followed within a second", async () => {
      await waitFor(
        () => new RegExp(`gateway \\(${engine}\\) listening on 127\\.0\\.0\\.1:${gwPort}`).test(kdns.output()),
        { what: "gateway started" },
      );
      const created = await api(kdns.server, "POST", RECORDS, noteRecord);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const status = await waitFor(
        async () => {
          const r = await api(kdns.server, "GET", `${RECORDS}/dns-test1`);
          return r.body.status?.conditions?.[0]?.status === "True" ? r.body.status : undefined;
        },
        { what: "Served status" },
      );
      const gateway: string = status.gatewayAddress;
      assert.equal(gateway, "127.0.0.1");
      // After a reload nginx's old workers may take a few more connections on the old config: wait for both paths.
      await waitFor(
        async () =>
          (await curl("node1.com", gwPort, gateway, "/service1/test.html")).startsWith("200") &&
          (await curl("node1.com", gwPort, gateway, "/service2/test.html")).startsWith("200"),
        { what: "both paths through the gateway" },
      );
      assert.equal(await curl("node1.com", gwPort, gateway, "/service1/test.html"), "200 service1 test page");
      assert.equal(await curl("node1.com", gwPort, gateway, "/service2/test.html"), "200 service2 test page");
      assert.equal(await curl("node1.com", gwPort, gateway, "/service2/"), "404 ");

      const current = (await api(kdns.server, "GET", `${RECORDS}/dns-test1`)).body;
      const patched = await api(kdns.server, "PUT", `${RECORDS}/dns-test1`, {
        ...current,
        spec: {
          host: "node1.com",
          paths: [
            { path: "/service1", service: "service1", ...moved },
            { path: "/service2", service: "service2", ...service2 },
          ],
        },
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      await waitFor(
        async () => (await curl("node1.com", gwPort, gateway, "/service1/test.html")) === "200 service1 moved",
        { timeoutMs: 1_000, what: "port change within 1 s" },
      );

      assert.equal((await api(kdns.server, "DELETE", `${RECORDS}/dns-test1`)).status, 200);
      await waitFor(async () => (await curl("node1.com", gwPort, gateway, "/service2/test.html")).startsWith("404"), {
        timeoutMs: 1_000,
        what: "deletion within 1 s",
      });
    });

    test("dig node1.com against kdns's DNS answers the gateway address, and forgets it after delete", async () => {
      const created = await api(kdns.server, "POST", RECORDS, {
        ...JSON.parse(noteRecord),
        name: "dns-dig",
        host: "dig.node1.com",
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const answer = await waitFor(
        async () => (await dig("127.0.0.1", dnsPort, "dig.node1.com")).answers.find((a) => a.type === "A"),
        { timeoutMs: 3_000, what: "dig dig.node1.com A" },
      );
      assert.equal(answer.data, "127.0.0.1");
      // DNS learns the host before the gateway has applied the record: wait for the route to be live.
      await waitFor(
        async () =>
          (await curl("dig.node1.com", gwPort, answer.data, "/service2/test.html")) === "200 service2 test page",
        { timeoutMs: 3_000, what: "the route through the resolved address" },
      );
      assert.equal((await api(kdns.server, "DELETE", `${RECORDS}/dns-dig`)).status, 200);
      await waitFor(async () => (await dig("127.0.0.1", dnsPort, "dig.node1.com")).answers.length === 0, {
        timeoutMs: 1_000,
        what: "DNS forgets the host within 1 s",
      });
    });

    test("a Service + Pods instead of literal addresses", async () => {
      await api(kdns.server, "POST", "/api/v1/namespaces/default/services", {
        metadata: { name: "site" },
        spec: { selector: { app: "site" }, ports: [{ name: "http", port: 80, targetPort: "web" }] },
      });
      for (const [name, { address: ip, port }] of [
        ["site-1", service1],
        ["site-2", service2],
      ] as const) {
        await api(kdns.server, "POST", "/api/v1/namespaces/default/pods", {
          metadata: { name, labels: { app: "site" } },
          spec: { containers: [{ name: "web", ports: [{ name: "web", containerPort: port }] }] },
        });
        const r = await fetch(`${kdns.server}/api/v1/namespaces/default/pods/${name}/status`, {
          method: "PATCH",
          headers: { "content-type": "application/merge-patch+json" },
          body: JSON.stringify({
            status: { phase: "Running", podIP: ip, podIPs: [{ ip }], conditions: [{ type: "Ready", status: "True" }] },
          }),
        });
        assert.equal(r.status, 200);
      }
      const rec = await api(kdns.server, "POST", RECORDS, {
        metadata: { name: "site" },
        spec: { host: "site.test", paths: [{ path: "/site", service: "site", port: 80 }] },
      });
      assert.equal(rec.status, 201, JSON.stringify(rec.body));
      const seen = new Set<string>();
      await waitFor(
        async () => {
          seen.add(await curl("site.test", gwPort, "127.0.0.1", "/site/test.html"));
          return seen.has("200 service1 test page") && seen.has("200 service2 test page");
        },
        { what: "both pods reached round-robin" },
      );
    });

    test("the flat record with spec.tls and a kubernetes.io/tls Secret: HTTPS end to end, plain HTTP redirected", async () => {
      const leaf = await ca.issue(["node1.com"]);
      const secret = await api(kdns.server, "POST", "/api/v1/namespaces/default/secrets", {
        metadata: { name: "node1-tls" },
        type: "kubernetes.io/tls",
        stringData: { "tls.crt": leaf.cert, "tls.key": leaf.key },
      });
      assert.equal(secret.status, 201, JSON.stringify(secret.body));
      const created = await api(kdns.server, "POST", RECORDS, noteRecord);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const patched = await fetch(`${kdns.server}${RECORDS}/dns-test1`, {
        method: "PATCH",
        headers: { "content-type": "application/merge-patch+json" },
        body: JSON.stringify({ spec: { tls: { secretName: "node1-tls" } } }),
      });
      assert.equal(patched.status, 200, await patched.text());
      const served = await waitFor(
        async () => {
          const c = (await api(kdns.server, "GET", `${RECORDS}/dns-test1`)).body.status?.conditions?.[0];
          return c?.status === "True" && /HTTPS with secret default\/node1-tls/.test(c.message) ? c : undefined;
        },
        { what: "Served over HTTPS" },
      );
      assert.match(served.message, new RegExp(`and 127\\.0\\.0\\.1:${tlsPort} \\(HTTPS\\)`));
      const address = (await dig("127.0.0.1", dnsPort, "node1.com")).answers.find((a) => a.type === "A")?.data;
      assert.equal(address, "127.0.0.1");
      const page = await waitFor(
        async () => {
          const r = await tlsCurl("https", "node1.com", tlsPort, address, "/service1/test.html", { cacert: ca.caPath });
          return r.status === 200 ? r : undefined;
        },
        { what: "HTTPS through the gateway" },
      );
      assert.deepEqual([page.version, page.body], ["2", "service1 test page"]);
      const moved = await tlsCurl("http", "node1.com", gwPort, address, "/service2/test.html?x=1");
      assert.equal(moved.status, 308);
      assert.match(moved.headers, /^location: https:\/\/node1\.com\/service2\/test\.html\?x=1\r?$/im);
      assert.equal((await api(kdns.server, "DELETE", `${RECORDS}/dns-test1`)).status, 200);
    });
  });
}
