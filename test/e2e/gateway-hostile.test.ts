/**
 * Hostile HTTP against both gateway engines: requests written byte for byte on a raw socket, to
 * logging backends that show what each engine forwarded. Every case asserts the status (or the
 * silent close) and what the backends received. Host and request-target follow RFC 9112 §3.2;
 * the limits and timeouts are the shared client limits, made small here. The same cases run over
 * the TLS listener (HTTP/1.1 by ALPN), where the absolute-form scheme is https; the timeouts, the
 * idle connections and the slow clients only over plain HTTP, where they take their seconds once.
 */

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ClientLimits } from "../../src/gateway/client-limits.ts";
import { TEXT } from "../../src/gateway/texts.ts";
import { startTwoHosts, type TestEngine, type TwoHosts } from "../support/gateway-engine.ts";
import { fieldValues, type LoggedRequest, type LoggingBackend } from "../support/logging-backend.ts";
import { RawClient, type RawResponse, rawRequest } from "../support/raw-http.ts";
import { waitFor } from "../support/wait-for.ts";

const LIMITS: Partial<ClientLimits> = {
  headerTimeoutMs: 1_000,
  bodyTimeoutMs: 1_000,
  keepAliveTimeoutMs: 1_000,
  keepAliveRequests: 3,
};
/** What "closed after a 1 s timeout" may take on a loaded machine. */
const TIMEOUT_SLACK_MS = 2_000;
const BUFFER = 8 * 1024;
const H = "Host: smug.test\r\n";

for (const kind of ["builtin", "nginx"] as const) {
  describe(`gateway hostile HTTP: ${kind}`, () => {
    let gw: TestEngine;
    let smug: LoggingBackend;
    let evil: LoggingBackend;
    let hosts: TwoHosts | undefined;
    before(async () => {
      hosts = await startTwoHosts(kind, LIMITS);
      ({ gw, smug, evil } = hosts);
    });
    after(() => hosts?.close());

    for (const transport of ["plain", "tls"] as const)
      describe(transport === "tls" ? "over TLS" : "plain HTTP", () => {
        const tls = transport === "tls";
        /** The absolute-form scheme of this listener, and one that is not. */
        const scheme = tls ? "https" : "http";
        const other = tls ? "http" : "https";
        const port = (): number => (tls ? gw.tlsPort! : gw.port);
        const sni = tls ? { servername: "smug.test" } : undefined;
        const connect = (): Promise<RawClient> => RawClient.connect(port(), gw.host, sni);

        /**
         * Sends `bytes` on a new connection (the backends' logs cleared first); returns the first final
         * response and, when `expectClose`, whether the server closed the connection within 3 s.
         */
        async function send(bytes: string, expectClose = false): Promise<{ response: RawResponse; closed: boolean }> {
          smug.clear();
          evil.clear();
          const { response, client } = await rawRequest(port(), bytes, gw.host, sni);
          if (expectClose) await client.closed(3_000).catch(() => {});
          client.destroy();
          return { response, closed: client.closedAt !== undefined };
        }

        /** Asserts a gateway-made refusal: `status`, the connection closed, not a byte forwarded. */
        async function refused(bytes: string, status: number, what: string): Promise<void> {
          const before = smug.received + evil.received;
          const { response, closed } = await send(bytes, true);
          assert.equal(response.status, status, `${what}: status`);
          assert.ok(closed, `${what}: connection closed after ${status}`);
          assert.equal(smug.received + evil.received, before, `${what}: nothing forwarded`);
        }

        /** The index of the smug.test backend connection that has received `text`, once one has. */
        function upstreamConnectionWith(text: string): Promise<number> {
          return waitFor(
            () => {
              const i = smug.raw.findIndex((b) => b?.includes(text));
              return i >= 0 ? i : undefined;
            },
            { what: `${JSON.stringify(text)} upstream` },
          );
        }

        /** Asserts one request reached `backend` (and none the other one); returns it. */
        function onlyRequest(backend: LoggingBackend, what: string): LoggedRequest {
          const other = backend === smug ? evil : smug;
          assert.equal(other.requests.length, 0, `${what}: the other backend saw nothing`);
          assert.equal(backend.requests.length, 1, `${what}: one request forwarded`);
          return backend.requests[0]!;
        }

        describe("Host (RFC 9112 §3.2)", () => {
          test("two Host fields, an empty one, one with a path or '..': 400, nothing forwarded", async () => {
            await refused(`GET /two HTTP/1.1\r\nHost: smug.test\r\nHost: evil.test\r\n\r\n`, 400, "two hosts");
            await refused(`GET /two HTTP/1.1\r\nHost: smug.test\r\nHost: smug.test\r\n\r\n`, 400, "same host twice");
            await refused(`GET /two HTTP/1.1\r\nHost: smug.test\r\nHost: \r\n\r\n`, 400, "host then empty host");
            await refused(`GET /e HTTP/1.1\r\nHost: \r\n\r\n`, 400, "empty host");
            await refused(`GET /e HTTP/1.1\r\nHost: smug.test/x\r\n\r\n`, 400, "host with a path");
            await refused(`GET /e HTTP/1.1\r\nHost: smug..test\r\n\r\n`, 400, "host with '..'");
          });

          test("HTTP/1.1 without Host: 400; HTTP/1.0 without Host: 404 (no name to route by), nothing forwarded", async () => {
            await refused(`GET /x HTTP/1.1\r\n\r\n`, 400, "HTTP/1.1 without Host");
            const { response, closed } = await send(`GET /x HTTP/1.0\r\n\r\n`, true);
            assert.deepEqual([response.status, response.body.toString()], [404, `${TEXT.noHost}\n`]);
            assert.ok(closed, "HTTP/1.0 without keep-alive is closed");
            assert.equal(smug.requests.length + evil.requests.length, 0);
          });

          test("HTTP/1.0 with Host is forwarded as HTTP/1.1 with that Host, then closed", async () => {
            const { response, closed } = await send(`GET /ten HTTP/1.0\r\n${H}\r\n`, true);
            assert.equal(response.status, 200);
            assert.ok(closed);
            const r = onlyRequest(smug, "HTTP/1.0");
            assert.deepEqual([r.method, r.target, r.version], ["GET", "/ten", "HTTP/1.1"]);
            assert.deepEqual(fieldValues(r, "host"), ["smug.test"]);
          });

          test("X-Forwarded-Host and Forwarded from the client never route; X-Forwarded-Host is replaced", async () => {
            const { response } = await send(
              `GET /xfh HTTP/1.1\r\n${H}X-Forwarded-Host: evil.test\r\nForwarded: host=evil.test\r\n\r\n`,
            );
            assert.equal(response.status, 200);
            const r = onlyRequest(smug, "X-Forwarded-Host");
            assert.deepEqual(fieldValues(r, "host"), ["smug.test"]);
            assert.deepEqual(fieldValues(r, "x-forwarded-host"), ["smug.test"]);
            const unknown = await send(
              `GET /xfh HTTP/1.1\r\nHost: nowhere.test\r\nX-Forwarded-Host: smug.test\r\n\r\n`,
            );
            assert.equal(unknown.response.status, 404);
            assert.equal(smug.requests.length + evil.requests.length, 0);
          });
        });

        describe("request-target (RFC 9112 §3.2.2)", () => {
          test("absolute-form routes by its authority, which the backend gets as Host, in origin-form", async () => {
            const { response } = await send(`GET ${scheme}://evil.test/abs?q=1 HTTP/1.1\r\n${H}\r\n`);
            assert.equal(response.status, 200);
            const r = onlyRequest(evil, "absolute-form naming evil.test");
            assert.deepEqual([r.method, r.target], ["GET", "/abs?q=1"]);
            assert.deepEqual(fieldValues(r, "host"), ["evil.test"]);
            assert.deepEqual(fieldValues(r, "x-forwarded-host"), ["evil.test"]);

            const reverse = await send(
              `GET ${scheme.toUpperCase()}://SMUG.test:8080/p HTTP/1.1\r\nHost: evil.test\r\n\r\n`,
            );
            assert.equal(reverse.response.status, 200);
            const s = onlyRequest(smug, "absolute-form naming smug.test, Host evil.test");
            assert.equal(s.target, "/p");
            assert.deepEqual(fieldValues(s, "host"), ["SMUG.test:8080"]);

            const bare = await send(`GET ${scheme}://smug.test?x=1 HTTP/1.1\r\nHost: smug.test\r\n\r\n`);
            assert.equal(bare.response.status, 200);
            assert.equal(onlyRequest(smug, "absolute-form without a path").target, "/?x=1");

            const ten = await send(`GET ${scheme}://smug.test/ten HTTP/1.0\r\n\r\n`);
            assert.equal(ten.response.status, 200);
            assert.deepEqual(fieldValues(onlyRequest(smug, "HTTP/1.0 absolute-form"), "host"), ["smug.test"]);
          });

          test("absolute-form naming no served host is 404 whatever Host says", async () => {
            const { response } = await send(`GET ${scheme}://nowhere.test/abs HTTP/1.1\r\n${H}\r\n`);
            assert.deepEqual([response.status, response.body.toString()], [404, `${TEXT.noHost}\n`]);
            assert.equal(smug.requests.length + evil.requests.length, 0);
          });

          test("another scheme, userinfo, an empty authority, CONNECT, asterisk- and authority-form: 400", async () => {
            await refused(
              `GET ${other}://smug.test/abs HTTP/1.1\r\n${H}\r\n`,
              400,
              `${other} on the ${scheme} listener`,
            );
            await refused(`GET ftp://smug.test/abs HTTP/1.1\r\n${H}\r\n`, 400, "ftp scheme");
            await refused(`GET ${scheme}://u:p@smug.test/abs HTTP/1.1\r\n${H}\r\n`, 400, "userinfo");
            await refused(`GET ${scheme}:///abs HTTP/1.1\r\n${H}\r\n`, 400, "empty authority");
            await refused(`CONNECT smug.test:443 HTTP/1.1\r\n${H}\r\n`, 400, "CONNECT");
            await refused(`OPTIONS * HTTP/1.1\r\n${H}\r\n`, 400, "asterisk-form");
            await refused(`GET smug.test:80 HTTP/1.1\r\n${H}\r\n`, 400, "authority-form GET");
          });

          test("HTTP/2.0 in a request line is 505", async () => {
            await refused(`GET /x HTTP/2.0\r\n${H}\r\n`, 505, "HTTP/2.0");
          });
        });

        describe("framing: the smuggling corpus", () => {
          test("CL.TE, TE.CL, duplicate Content-Length: 400, nothing forwarded", async () => {
            await refused(
              `POST /x HTTP/1.1\r\n${H}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG`,
              400,
              "CL.TE",
            );
            await refused(
              `POST /x HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n1\r\nG\r\n0\r\n\r\n`,
              400,
              "TE.CL",
            );
            await refused(
              `POST /x HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`,
              400,
              "same CL twice",
            );
            await refused(`POST /x HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd`, 400, "two CLs");
          });

          test("obfuscated Transfer-Encoding: refused, nothing forwarded", async () => {
            await refused(`POST /x HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`, 501, "xchunked");
            await refused(
              `POST /x HTTP/1.1\r\n${H}Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n`,
              501,
              "identity, chunked",
            );
            // node:http's parser refuses a coding after chunked itself, before the engine sees the request.
            await refused(
              `POST /x HTTP/1.1\r\n${H}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
              kind === "nginx" ? 501 : 400,
              "chunked, identity",
            );
            await refused(
              `POST /x HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
              400,
              "two TE fields",
            );
            await refused(`POST /x HTTP/1.0\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400, "TE in HTTP/1.0");
          });

          test("whitespace before a colon, NUL, bare CR, obs-fold, a lowercase method: 400, nothing forwarded", async () => {
            await refused(`GET /x HTTP/1.1\r\n${H}X-A : b\r\n\r\n`, 400, "space before colon");
            await refused(`GET /x HTTP/1.1\r\nHost : evil.test\r\n${H}\r\n`, 400, "space before the colon of Host");
            await refused(`GET /x HTTP/1.1\r\n${H}X-A: a\0b\r\n\r\n`, 400, "NUL in a value");
            await refused(`GET /x HTTP/1.1\r\n${H}X-A: a\rb\r\n\r\n`, 400, "bare CR in a value");
            await refused(`GET /x HTTP/1.1\r\n${H}X-A: a\r\n b\r\n\r\n`, 400, "obs-fold");
            await refused(`get /x HTTP/1.1\r\n${H}\r\n`, 400, "lowercase method");
          });

          test("Connection naming Host or Content-Length removes neither: one request, body intact", async () => {
            const smuggled = `GET /admin HTTP/1.1\r\nHost: smug.test\r\n\r\n`;
            const { response } = await send(
              `POST /c HTTP/1.1\r\n${H}Connection: host, content-length\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`,
            );
            assert.equal(response.status, 200);
            const r = onlyRequest(smug, "Connection: content-length");
            assert.deepEqual(fieldValues(r, "host"), ["smug.test"]);
            assert.equal(r.body.toString(), smuggled, "the body reached the backend as a body");
          });

          test("a chunked body that turns bad after its head went upstream: 400, that backend connection closed", async () => {
            smug.clear();
            const client = await connect();
            client.write(`POST /bad HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nbad\r\n`);
            const index = await upstreamConnectionWith("3\r\nbad");
            client.write("zz\r\n");
            const [response] = await client.read(1);
            assert.equal(response!.status, 400);
            await client.closed();
            await waitFor(() => !smug.isOpen(index), { what: "the backend connection carrying the bad body closed" });
            const partial = smug.requests.find((r) => r.connection === index);
            assert.equal(partial?.complete, false, "the backend never saw a complete request");
            const next = await send(`GET /after HTTP/1.1\r\n${H}\r\n`);
            assert.equal(next.response.status, 200);
            assert.notEqual(onlyRequest(smug, "after the bad body").connection, index, "not reused");
          });
        });

        describe("head sizes (large_client_header_buffers 4 8k)", () => {
          const line = (bytes: number): string =>
            `GET /${"a".repeat(bytes - "GET / HTTP/1.1\r\n".length)} HTTP/1.1\r\n`;
          const field = (bytes: number): string => `X-Big: ${"b".repeat(bytes - "X-Big: \r\n".length)}\r\n`;

          test("a request line of one buffer is forwarded; one byte more is 414", async () => {
            const { response } = await send(`${line(BUFFER)}${H}\r\n`);
            assert.equal(response.status, 200);
            assert.equal(
              onlyRequest(smug, "8192-byte request line").target.length,
              BUFFER - "GET  HTTP/1.1\r\n".length,
            );
            await refused(`${line(BUFFER + 1)}${H}\r\n`, 414, "8193-byte request line");
          });

          test("a header field line of one buffer is forwarded; one byte more is 400", async () => {
            const { response } = await send(`GET /f HTTP/1.1\r\n${H}${field(BUFFER)}\r\n`);
            assert.equal(response.status, 200);
            assert.equal(fieldValues(onlyRequest(smug, "8192-byte field"), "x-big")[0]?.length, BUFFER - 9);
            await refused(`GET /f HTTP/1.1\r\n${H}${field(BUFFER + 1)}\r\n`, 400, "8193-byte field");
          });

          test("a head of four buffers' worth is forwarded, five is 400; 1000 fields pass, 1001 are 400", async () => {
            const { response } = await send(`GET /4 HTTP/1.1\r\n${H}${field(8000).repeat(4)}\r\n`);
            assert.equal(response.status, 200);
            assert.equal(fieldValues(onlyRequest(smug, "4 large fields"), "x-big").length, 4);
            await refused(`GET /5 HTTP/1.1\r\n${H}${field(7000).repeat(5)}\r\n`, 400, "5 large fields");
            const many = await send(`GET /m HTTP/1.1\r\n${H}${"a:\r\n".repeat(999)}\r\n`);
            assert.equal(many.response.status, 200);
            assert.equal(fieldValues(onlyRequest(smug, "1000 fields"), "a").length, 999);
            await refused(`GET /m HTTP/1.1\r\n${H}${"a:\r\n".repeat(1000)}\r\n`, 400, "1001 fields");
          });
        });

        if (!tls)
          describe("timeouts (client_header_timeout, client_body_timeout)", () => {
            test("a head that never completes is closed without an answer after the header timeout", async () => {
              const before = smug.received + evil.received;
              const clients = await Promise.all([0, 1, 2].map(() => connect()));
              const [silent, partial, trickle] = clients as [RawClient, RawClient, RawClient];
              partial.write("GET /x HTTP/1.1\r\nHost: smu");
              trickle.write(`GET /x HTTP/1.1\r\n${H}`);
              // One more field every 200 ms: progress does not extend the deadline.
              const drip = setInterval(() => {
                if (trickle.closedAt === undefined) trickle.write("X-Drip: y\r\n");
              }, 200);
              try {
                for (const [name, c] of [
                  ["silent", silent],
                  ["partial", partial],
                  ["trickling", trickle],
                ] as const) {
                  const ms = await c.closed(LIMITS.headerTimeoutMs! + TIMEOUT_SLACK_MS);
                  assert.ok(
                    ms >= LIMITS.headerTimeoutMs! - 50,
                    `${name} closed after ${ms.toFixed(0)} ms, not before the timeout`,
                  );
                  assert.equal(c.responses.length + c.pending.length, 0, `${name}: no answer`);
                }
              } finally {
                clearInterval(drip);
                for (const c of clients) c.destroy();
              }
              assert.equal(smug.received + evil.received, before, "nothing forwarded");
            });

            test("a body that stops is closed without an answer after the body timeout, and so is its backend connection", async () => {
              smug.clear();
              const client = await connect();
              client.write(`POST /stall HTTP/1.1\r\n${H}Content-Length: 10\r\n\r\nstl`);
              const index = await upstreamConnectionWith("stl");
              const started = performance.now();
              await client.closed(LIMITS.bodyTimeoutMs! + TIMEOUT_SLACK_MS);
              const ms = performance.now() - started;
              assert.ok(ms >= LIMITS.bodyTimeoutMs! - 100, `closed after ${ms.toFixed(0)} ms`);
              assert.equal(client.responses.length, 0, "no answer");
              await waitFor(() => !smug.isOpen(index), { what: "the backend connection closed" });
              const partial = smug.requests.find((r) => r.connection === index);
              assert.deepEqual([partial?.complete, partial?.body.toString()], [false, "stl"]);
            });

            test("a body that keeps coming, each pause shorter than the timeout, is forwarded whole", async () => {
              smug.clear();
              const client = await connect();
              client.write(`POST /slow-body HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\n`);
              for (let i = 0; i < 5; i++) {
                // The client's own pause is what is tested: five of them add up to more than the timeout.
                await new Promise((r) => setTimeout(r, LIMITS.bodyTimeoutMs! / 3));
                client.write("x");
              }
              const [response] = await client.read(1);
              client.destroy();
              assert.equal(response!.status, 200);
              // (a request cut off by an earlier test may be logged late, when its connection closes)
              const trickled = smug.requests.filter((r) => r.target === "/slow-body");
              assert.deepEqual(
                trickled.map((r) => [r.complete, r.body.toString()]),
                [[true, "xxxxx"]],
              );
            });
          });

        describe("keep-alive (keepalive_timeout, keepalive_requests) and pipelining", () => {
          test("pipelined requests are answered in order, a slow first one included", async () => {
            smug.clear();
            const client = await connect();
            client.write(`GET /slow-1 HTTP/1.1\r\n${H}\r\nGET /2 HTTP/1.1\r\n${H}\r\nGET /3 HTTP/1.1\r\n${H}\r\n`);
            const responses = await client.read(3);
            client.destroy();
            assert.deepEqual(
              responses.map((r) => r.body.toString().split(" ")[3]),
              ["/slow-1", "/2", "/3"],
            );
            assert.deepEqual(
              smug.requests.map((r) => r.target),
              ["/slow-1", "/2", "/3"],
            );
          });

          test("the last request a connection may carry is answered with Connection: close, then it closes", async () => {
            smug.clear();
            const client = await connect();
            for (let i = 1; i <= 3; i++) {
              client.write(`GET /k${i} HTTP/1.1\r\n${H}\r\n`);
              await client.read(i);
            }
            await client.closed();
            assert.deepEqual(
              client.responses.map((r) => [r.status, r.headers.find(([n]) => n === "connection")?.[1].toLowerCase()]),
              [
                [200, "keep-alive"],
                [200, "keep-alive"],
                [200, "close"],
              ],
            );
            assert.equal(smug.requests.length, 3);

            smug.clear();
            const piped = await connect();
            piped.write(`GET /p HTTP/1.1\r\n${H}\r\n`.repeat(5));
            await piped.closed();
            assert.deepEqual(
              piped.responses.map((r) => r.status),
              [200, 200, 200],
              "requests past the limit are not answered",
            );
            assert.equal(smug.requests.length, 3, "nor forwarded");
          });

          if (!tls)
            test("idle keep-alive connections: a client's 40 are all kept until the keep-alive timeout, none capped", async () => {
              const clients: RawClient[] = [];
              try {
                for (let i = 0; i < 40; i++) {
                  const c = await connect();
                  c.write(`GET /idle${i} HTTP/1.1\r\n${H}\r\n`);
                  await c.read(1);
                  clients.push(c);
                }
                assert.equal(clients.filter((c) => c.closedAt !== undefined).length, 0, "none closed while in use");
                const fresh = await send(`GET /fresh HTTP/1.1\r\n${H}\r\n`);
                assert.equal(fresh.response.status, 200, "another connection is served meanwhile");
                for (const c of clients) {
                  await c.closed(LIMITS.keepAliveTimeoutMs! + TIMEOUT_SLACK_MS);
                  const idle = c.closedAt! - c.respondedAt[0]!;
                  assert.ok(idle >= LIMITS.keepAliveTimeoutMs! - 100, `closed after ${idle.toFixed(0)} ms idle`);
                  assert.equal(c.responses.length, 1, "closed without another answer");
                }
              } finally {
                for (const c of clients) c.destroy();
              }
            });
        });

        test("Expect: 100-continue: 100 once the head is accepted, then the body goes upstream, Expect does not", async () => {
          smug.clear();
          const client = await connect();
          client.write(`POST /e HTTP/1.1\r\n${H}Content-Length: 5\r\nExpect: 100-continue\r\n\r\n`);
          const [interim] = await client.read(1);
          assert.equal(interim!.status, 100);
          client.write("hello");
          const [, final] = await client.read(2);
          client.destroy();
          assert.equal(final!.status, 200);
          const r = onlyRequest(smug, "Expect");
          assert.equal(r.body.toString(), "hello");
          assert.deepEqual(fieldValues(r, "expect"), []);

          // A request refused for its head is not invited to send its body; one for no host is (then 404).
          const expect = (host: string) =>
            `POST /e HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n`;
          const bad = await connect();
          bad.write(expect("smug..test"));
          const [refusal] = await bad.read(1);
          bad.destroy();
          assert.equal(refusal!.status, 400);
          const unknown = await connect();
          unknown.write(expect("nowhere.test"));
          const [invited] = await unknown.read(1);
          unknown.write("hello");
          const [, notFound] = await unknown.read(2);
          unknown.destroy();
          assert.deepEqual([invited!.status, notFound!.status], [100, 404]);
          assert.equal(smug.requests.length + evil.requests.length, 1, "only the first request was forwarded");
        });

        if (!tls)
          test("200 slow clients do not delay a normal request", async () => {
            const slow = await Promise.all(Array.from({ length: 200 }, () => connect()));
            try {
              for (const c of slow) c.write(`GET /slow-client HTTP/1.1\r\n${H}X-Unfinished: `);
              const started = performance.now();
              const { response } = await send(`GET /normal HTTP/1.1\r\n${H}\r\n`);
              const ms = performance.now() - started;
              assert.equal(response.status, 200);
              assert.ok(ms < LIMITS.headerTimeoutMs! / 2, `answered in ${ms.toFixed(0)} ms`);
              assert.deepEqual(
                smug.requests.map((r) => r.target),
                ["/normal"],
              );
            } finally {
              for (const c of slow) c.destroy();
            }
          });
      });
  });
}
