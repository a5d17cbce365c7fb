/**
 * HTTPS through both gateway engines, with real clients: a test CA made with openssl, Secrets
 * holding its certificates, DNSRecords naming them in spec.tls. `curl --cacert --resolve` for two
 * hosts on one listener, `openssl s_client -servername` for the certificate each name gets
 * (subject and serial), the 308 from plain HTTP, HTTP/2 by ALPN, every Secret that cannot be
 * served, and certificate rotation under HTTPS load with no failed request.
 */

import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { resourceByPath } from "../../src/api/resources.ts";
import type { DNSRecord, KubeObject, Secret } from "../../src/api/types.ts";
import { ClientError } from "../../src/client/rest-client.ts";
import { TEXT } from "../../src/gateway/texts.ts";
import { freePort } from "../support/free-port.ts";
import { startHttpsLoad } from "../support/https-load.ts";
import { closeServer, listenOrFail } from "../support/listen.ts";
import { startTestCa, type TestCa, tlsSecret } from "../support/test-pki.ts";
import { curl, presentedCertificate, presentedSerial } from "../support/tls-clients.ts";
import { waitFor } from "../support/wait-for.ts";
import {
  DNSRECORDS,
  dnsRecord,
  type Echo,
  type GatewayHarness,
  startEcho,
  startGatewayHarness,
} from "./gateway-harness.ts";

const SECRETS = resourceByPath("", "secrets")!;
const EVENTS = resourceByPath("", "events")!;
const LOOPBACK = "127.0.0.1";
const DEFAULT_SUBJECT = "O = kdns, CN = kdns gateway default certificate";

for (const engine of ["builtin", "nginx"] as const) {
  describe(`gateway TLS: ${engine}`, () => {
    let h: GatewayHarness;
    let ca: TestCa;
    let echo: Awaited<ReturnType<typeof startEcho>>;
    let tlsPort: number;
    const https = (host: string, path: string, options: Parameters<typeof curl>[5] = {}) =>
      curl("https", host, tlsPort, LOOPBACK, path, { cacert: ca.caPath, ...options });
    const plain = (host: string, path: string, options: Parameters<typeof curl>[5] = {}) =>
      curl("http", host, h.port, LOOPBACK, path, options);

    /** Creates or replaces Secret `name`. */
    async function putSecret(secret: Secret): Promise<void> {
      const name = secret.metadata.name ?? "";
      try {
        const old = await h.client.get<Secret>(SECRETS, "default", name);
        const resourceVersion = old.metadata.resourceVersion ?? "";
        await h.client.update(SECRETS, { ...secret, metadata: { ...secret.metadata, resourceVersion } });
      } catch (err) {
        if (!(err instanceof ClientError) || err.code !== 404) throw err;
        await h.client.create(SECRETS, "default", secret);
      }
    }

    /** A record for `host` → the echo backend, with spec.tls naming `secretName`. */
    function tlsRecord(name: string, host: string, secretName: string, httpRedirect?: boolean): DNSRecord {
      const r = dnsRecord(name, host, [{ path: "/", address: LOOPBACK, port: echo.port }]);
      r.spec.tls = { secretName, ...(httpRedirect !== undefined ? { httpRedirect } : {}) };
      return r;
    }

    before(async () => {
      ca = await startTestCa();
      echo = await startEcho("E");
      h = await startGatewayHarness(engine, { tls: { host: LOOPBACK, port: await freePort() } });
      tlsPort = h.tlsPort!;
    });
    after(async () => {
      await h?.close();
      await echo?.close();
      await ca?.close();
    });

    test("SNI: two hosts on one listener each get their own certificate; another name gets kdns's default one and 404", async () => {
      const a = await ca.issue(["a.test"], { serial: "A1" });
      const b = await ca.issue(["b.test"], { serial: "B2" });
      await putSecret(tlsSecret("a-tls", a.cert, a.key));
      await putSecret(tlsSecret("b-tls", b.cert, b.key));
      await h.client.create(DNSRECORDS, "default", tlsRecord("sni-a", "a.test", "a-tls"));
      await h.client.create(DNSRECORDS, "default", tlsRecord("sni-b", "b.test", "b-tls"));
      await h.client.create(
        DNSRECORDS,
        "default",
        dnsRecord("sni-c", "c.test", [{ path: "/", address: LOOPBACK, port: echo.port }]),
      );
      const served = await h.condition("sni-a", (c) => c.status === "True", "Served");
      assert.match(
        served.message ?? "",
        new RegExp(
          `and ${LOOPBACK}:${tlsPort} \\(HTTPS\\); HTTPS with secret default/a-tls \\(certificate serial A1, valid until `,
        ),
      );
      await h.served("sni-b");
      await h.served("sni-c");

      for (const [host, cn, serial] of [
        ["a.test", "a.test", "A1"],
        ["b.test", "b.test", "B2"],
      ] as const) {
        const r = await https(host, "/x?y=1");
        assert.deepEqual([r.exit, r.status], [0, 200], `${host}: ${r.body}`);
        const seen = JSON.parse(r.body) as Echo;
        assert.equal(seen.url, "/x?y=1");
        assert.equal(seen.headers.host, `${host}:${tlsPort}`);
        assert.equal(seen.headers["x-forwarded-proto"], "https");
        assert.equal(seen.headers["x-forwarded-host"], `${host}:${tlsPort}`);
        assert.deepEqual(await presentedCertificate(LOOPBACK, tlsPort, host), { subject: `CN = ${cn}`, serial });
      }

      const other = await presentedCertificate(LOOPBACK, tlsPort, "unknown.test");
      assert.equal(other.subject, DEFAULT_SUBJECT);
      assert.equal((await https("unknown.test", "/")).exit, 60, "the default certificate does not verify");
      const unknown = await curl("https", "unknown.test", tlsPort, LOOPBACK, "/");
      assert.deepEqual([unknown.status, unknown.body], [404, `${TEXT.noHost}\n`]);
      // A host without spec.tls is not served over HTTPS (default certificate, 404), only over HTTP.
      assert.equal((await presentedCertificate(LOOPBACK, tlsPort, "c.test")).subject, DEFAULT_SUBJECT);
      assert.equal((await curl("https", "c.test", tlsPort, LOOPBACK, "/")).status, 404);
      assert.equal((await plain("c.test", "/")).status, 200);
    });

    test("plain HTTP to a host with TLS is 308 to the https URL (same host, path and query); httpRedirect: false serves it", async () => {
      const r = await ca.issue(["r.test", "n.test"]);
      await putSecret(tlsSecret("rn-tls", r.cert, r.key));
      await h.client.create(DNSRECORDS, "default", tlsRecord("redirected", "r.test", "rn-tls"));
      await h.client.create(DNSRECORDS, "default", tlsRecord("not-redirected", "n.test", "rn-tls", false));
      await h.served("redirected");
      await h.served("not-redirected");
      for (const method of ["GET", "POST"]) {
        const moved = await plain("r.test", "/some/path?q=1&r=%20", { method });
        assert.equal(moved.status, 308, `${method}: ${moved.headers}`);
        assert.match(
          moved.headers,
          new RegExp(`^location: https://r\\.test:${tlsPort}/some/path\\?q=1&r=%20\\r?$`, "im"),
        );
      }
      assert.equal((await https("r.test", "/p")).status, 200);

      const kept = await plain("n.test", "/p");
      assert.equal(kept.status, 200);
      assert.equal((JSON.parse(kept.body) as Echo).headers["x-forwarded-proto"], "http");
      assert.equal((JSON.parse((await https("n.test", "/p")).body) as Echo).headers["x-forwarded-proto"], "https");
    });

    test("HTTP/2 by ALPN towards clients, HTTP/1.1 when a client offers only that; the backend gets HTTP/1.1", async () => {
      await h.served("sni-a");
      const two = await https("a.test", "/h2", {
        http: "2",
        method: "POST",
        data: "hello over h2",
        headers: ["cookie: a=1", "cookie: b=2"],
      });
      assert.deepEqual([two.exit, two.version, two.status], [0, "2", 200], two.body);
      const seen = JSON.parse(two.body) as Echo;
      assert.deepEqual([seen.method, seen.body, seen.url], ["POST", "hello over h2", "/h2"]);
      assert.equal(seen.headers.host, `a.test:${tlsPort}`);
      assert.equal(
        seen.headers.cookie,
        "a=1; b=2",
        "HTTP/2's split cookie fields reach HTTP/1.1 as one (RFC 9113 §8.2.3)",
      );
      const big = await https("a.test", "/echo-body", { http: "2", method: "PUT", data: "x".repeat(300_000) });
      assert.deepEqual([big.status, big.body.length], [200, 300_000]);
      const one = await https("a.test", "/h1", { http: "1.1" });
      assert.deepEqual([one.version, one.status], ["1.1", 200]);
    });

    test("a Secret that is missing, not kubernetes.io/tls, unparsable, not the key's, or not covering the host: InvalidCertificate, the other hosts keep serving", async () => {
      const good = await ca.issue(["bad1.test", "bad2.test", "bad3.test"]);
      const other = await ca.issue(["bad3.test"]);
      const elsewhere = await ca.issue(["elsewhere.test"]);
      await putSecret(tlsSecret("opaque", good.cert, good.key, { type: "Opaque" }));
      await putSecret(tlsSecret("garbage", "not a certificate", good.key));
      await putSecret(tlsSecret("mismatch", good.cert, other.key));
      await putSecret(tlsSecret("wrong-host", elsewhere.cert, elsewhere.key));
      const cases: [string, string, string, RegExp][] = [
        ["bad-missing", "bad0.test", "nonexistent", /secret default\/nonexistent does not exist/],
        ["bad-opaque", "bad1.test", "opaque", /secret default\/opaque: type is "Opaque", not kubernetes\.io\/tls/],
        ["bad-garbage", "bad2.test", "garbage", /secret default\/garbage: tls\.crt holds no PEM certificate/],
        [
          "bad-mismatch",
          "bad3.test",
          "mismatch",
          /secret default\/mismatch: tls\.key is not the key of the certificate in tls\.crt/,
        ],
        [
          "bad-host",
          "bad4.test",
          "wrong-host",
          /secret default\/wrong-host: the certificate in tls\.crt does not cover host bad4\.test \(subject CN=elsewhere\.test/,
        ],
      ];
      for (const [name, host, secret] of cases)
        await h.client.create(DNSRECORDS, "default", tlsRecord(name, host, secret));
      for (const [name, , , message] of cases) {
        const c = await h.condition(name, (c) => c.reason === "InvalidCertificate", "InvalidCertificate");
        assert.equal(c.status, "False");
        assert.match(c.message ?? "", message, name);
        assert.doesNotMatch(c.message ?? "", /PRIVATE|MII/, `${name}: no key material`);
      }
      for (const [name, , , message] of cases) {
        const event = await waitFor(
          async () =>
            (
              await h.client.list<KubeObject & { type?: string; message?: string }>(EVENTS, "default", {
                fieldSelector: `involvedObject.name=${name},reason=InvalidCertificate`,
              })
            ).items[0],
          { what: `${name}: an InvalidCertificate Event` },
        );
        assert.equal(event.type, "Warning");
        assert.match(event.message ?? "", message, name);
        assert.doesNotMatch(event.message ?? "", /PRIVATE|MII/, `${name}: no key material in the Event`);
      }
      assert.equal((await https("a.test", "/still")).status, 200, "another host keeps serving over HTTPS");
      assert.equal((await plain("c.test", "/still")).status, 200, "and over HTTP");
      assert.equal((await plain("bad1.test", "/")).status, 404, "the record is not served over plain HTTP either");
      assert.equal((await presentedCertificate(LOOPBACK, tlsPort, "bad3.test")).subject, DEFAULT_SUBJECT);

      if (engine === "nginx") {
        const dir = join(h.dataDir, "nginx");
        const conf = await readFile(join(dir, "nginx.conf"), "utf8");
        for (const [, host] of cases) assert.doesNotMatch(conf, new RegExp(host.replace(".", "\\.")), host);
        assert.doesNotMatch(conf, /PRIVATE KEY|BEGIN/, "no key material in the configuration");
        const files = await readdir(join(dir, "certs"));
        const named = new Set([...conf.matchAll(/certs\/([0-9a-f]+)\.(crt|key)/g)].map((m) => m[1]));
        assert.deepEqual(
          new Set(files.map((f) => f.replace(/\.(crt|key)$/, ""))),
          named,
          "only the files the configuration names",
        );
        for (const f of files) assert.equal((await stat(join(dir, "certs", f))).mode & 0o777, 0o600, f);
      }

      // Fixing a Secret brings its record back.
      await putSecret(tlsSecret("mismatch", other.cert, other.key));
      await h.condition("bad-mismatch", (c) => c.status === "True", "Served after the fix");
      await waitFor(async () => (await https("bad3.test", "/")).status === 200, { what: "bad3.test over HTTPS" });
    });

    test("rotation: new connections get the new certificate within 1 s; under load no request fails, in flight or on a kept-alive connection", async () => {
      // A backend with a slow path, so requests are in flight whenever the certificate changes.
      const backend = createServer((req, res) => setTimeout(() => res.end("ok"), req.url === "/slow" ? 300 : 0));
      const port = await listenOrFail(backend, 0, LOOPBACK);
      const first = await ca.issue(["rot.test"], { serial: "10" });
      await putSecret(tlsSecret("rot", first.cert, first.key));
      const rec = dnsRecord("rot", "rot.test", [{ path: "/", address: LOOPBACK, port }]);
      rec.spec.tls = { secretName: "rot" };
      await h.client.create(DNSRECORDS, "default", rec);
      await h.served("rot");
      await waitFor(async () => (await presentedSerial(LOOPBACK, tlsPort, "rot.test", ca.caPem)) === "10", {
        what: "first certificate",
      });

      // One keep-alive connection left idle across the rotations.
      const idleAgent = new Agent({ keepAlive: true, maxSockets: 1, ca: ca.caPem });
      const idleGet = () =>
        new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
          const req = httpsRequest(
            {
              host: LOOPBACK,
              port: tlsPort,
              servername: "rot.test",
              path: "/idle",
              agent: idleAgent,
              headers: { host: "rot.test" },
            },
            (res) => {
              res.resume();
              res.on("end", () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
            },
          );
          req.on("error", reject);
          req.end();
        });
      assert.equal((await idleGet()).status, 200);

      const load = startHttpsLoad({
        address: LOOPBACK,
        port: tlsPort,
        host: "rot.test",
        paths: ["/", "/", "/slow"],
        ca: ca.caPem,
      });
      const live: number[] = [];
      try {
        await waitFor(() => load.ok > 30, { what: "load running" });
        for (const serial of ["11", "12", "13"]) {
          const next = await ca.issue(["rot.test"], { serial });
          const before = load.ok;
          const started = performance.now();
          await putSecret(tlsSecret("rot", next.cert, next.key));
          await waitFor(async () => (await presentedSerial(LOOPBACK, tlsPort, "rot.test", ca.caPem)) === serial, {
            timeoutMs: 1_000,
            intervalMs: 5,
            what: `certificate ${serial} for new connections within 1 s`,
          });
          live.push(performance.now() - started);
          await waitFor(() => load.ok > before + 30, { what: "load going on after the rotation" });
        }
        const idle = await idleGet();
        assert.equal(idle.status, 200, "the idle keep-alive connection's next request");
        if (engine === "builtin") assert.equal(idle.reused, true, "the idle connection outlived the rotations");
      } finally {
        const result = await load.stop();
        idleAgent.destroy();
        await closeServer(backend);
        process.stdout.write(
          `# ${engine}: rotation live in ${live.map((ms) => ms.toFixed(0)).join(", ")} ms; ${result.ok} requests (${result.fresh} on new connections); retried after the server closed the connection unanswered: ${result.retried} kept-alive, ${result.retriedNew} new\n`,
        );
        assert.deepEqual(result.failures, [], "no request failed");
        // The built-in engine closes no connection when a certificate changes. nginx reloads: its
        // retiring workers close their idle connections, so a request racing that close is
        // retried, as RFC 9112 §9.3.1 allows and browsers and curl do (nginx 1.27.4+ answers it
        // instead, with keepalive_min_timeout, which kdns renders when nginx has it).
        if (engine === "builtin") assert.deepEqual([result.retried, result.retriedNew], [0, 0]);
      }
    });
  });
}
