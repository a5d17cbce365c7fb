/**
 * The design note's scenario end to end, with the real `kdns up` for each gateway engine: two HTTP
 * servers on 127.1.1.10:8010 and 127.1.1.11:8011 serve test.html; the note's DNSRecord JSON is
 * posted verbatim (its 10.1.1.x addresses moved onto loopback); `dig` resolves node1.com against
 * kdns's DNS and `curl` fetches through the gateway at the resolved address. Then a port change
 * and a deletion are followed within a second, and the same works with a Service + Pods.
 */

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { designNoteRecordWith } from "../support/design-note.ts";
import { freePort } from "../support/free-port.ts";
import { waitFor } from "../support/wait-for.ts";
import { api, dig, type KdnsUp, startKdnsUp } from "./kdns-dns-harness.ts";

// The note's record with its backends moved to loopback addresses this test serves.
const DESIGN_NOTE_RECORD = designNoteRecordWith("127.1.1.10", "127.1.1.11");
const RECORDS = "/apis/kdns.dev/v1/namespaces/default/dnsrecords";

function serve(host: string, port: number, text: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === "/test.html") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(text);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  // A taken address fails the test at once (with the errno) instead of leaving before() waiting.
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** `curl` with `--resolve`, as a user would run it; returns "<status> <body>". */
function curl(host: string, port: number, address: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "curl",
      [
        "-s",
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

let servers: Server[] = [];
before(async () => {
  servers = await Promise.all([
    serve("127.1.1.10", 8010, "service1 test page"),
    serve("127.1.1.11", 8011, "service2 test page"),
    serve("127.1.1.10", 8012, "service1 moved"),
  ]);
});
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

for (const engine of ["builtin", "nginx"] as const) {
  describe(`design note scenario through kdns up --gateway ${engine}`, () => {
    let kdns: KdnsUp;
    let dataDir: string;
    let dnsPort: number;
    let gwPort: number;
    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), `kdns-scenario-${engine}-`));
      dnsPort = await freePort();
      gwPort = await freePort();
      kdns = await startKdnsUp(await freePort(), [
        "--data-dir",
        dataDir,
        "--dns-listen",
        `127.0.0.1:${dnsPort}`,
        "--upstream",
        "none",
        "--gateway",
        engine,
        "--gateway-listen",
        `127.0.0.1:${gwPort}`,
      ]);
    });
    after(async () => {
      await kdns?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    test("curl /service1/test.html and /service2/ at the gateway address; port change and delete followed within a second", async () => {
      await waitFor(
        () => new RegExp(`gateway \\(${engine}\\) listening on 127\\.0\\.0\\.1:${gwPort}`).test(kdns.output()),
        { what: "gateway started" },
      );
      const created = await api(kdns.server, "POST", RECORDS, DESIGN_NOTE_RECORD);
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
            { path: "/service1", service: "service1", address: "127.1.1.10", port: 8012 },
            { path: "/service2", service: "service2", address: "127.1.1.11", port: 8011 },
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
        ...JSON.parse(DESIGN_NOTE_RECORD),
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
      for (const [name, ip, port] of [
        ["site-1", "127.1.1.10", 8010],
        ["site-2", "127.1.1.11", 8011],
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
  });
}
