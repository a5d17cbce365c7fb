/**
 * `kdns explain` against components run alone, as real processes: `kdns gateway` serves
 * `/kdns/explain/route` on its --health-listen and `kdns dns` (one process, and with 2 workers)
 * `/kdns/explain/dns` and the query stream on its own; `--gateway-server` / `--dns-server` ask
 * them, and an API server that runs no such part says where to ask instead.
 */
import assert from "node:assert/strict";
import { get } from "node:http";
import { resolve } from "node:path";
import { after, before, test } from "node:test";
import { dig } from "../support/dig.ts";
import { type FakeUpstream, startFakeUpstream } from "../support/fake-upstream.ts";
import { freePort } from "../support/free-port.ts";
import { type KdnsRun, runKdns } from "../support/kdns-up.ts";
import { waitFor } from "../support/wait-for.ts";
import { type KdnsDns, type KdnsUp, startKdnsPart, startKdnsUp } from "./kdns-dns-harness.ts";

let up: KdnsUp | undefined;
let upstream: FakeUpstream | undefined;

const kdns = (...args: string[]): Promise<KdnsRun> => runKdns(args);

before(async () => {
  upstream = await startFakeUpstream();
  // The API server runs DNS but no gateway: the gateway below runs alone.
  up = await startKdnsUp(await freePort(), [
    "--dns-listen",
    `127.0.0.1:${await freePort()}`,
    "--upstream",
    `127.0.0.1:${upstream.port}`,
    "--gateway",
    "none",
  ]);
  const applied = await kdns("apply", "-f", resolve(import.meta.dirname, "../../examples"), "--server", up.server);
  assert.equal(applied.code, 0, applied.stderr);
});

after(async () => {
  await up?.stop();
  await upstream?.close();
});

async function stop(part: KdnsDns): Promise<void> {
  part.child.kill("SIGTERM");
  await part.exited;
}

test("kdns gateway alone serves explain route on its health listener; the API server without one says so", async () => {
  const health = await freePort();
  const gateway = await startKdnsPart("gateway", up!.server, health, [
    "--gateway-listen",
    `127.0.0.1:${await freePort()}`,
    "--gateway-tls-listen",
    "none",
  ]);
  try {
    const viaApi = await kdns("explain", "route", "http://shop.example.com/api/x", "--server", up!.server);
    assert.equal(viaApi.code, 1);
    assert.equal(
      viaApi.stderr.trim(),
      `error: the API server at ${up!.server} runs no gateway (only kdns up serves explain there): ask kdns gateway itself with --gateway-server http://<its --health-listen> (default http://127.0.0.1:8383)`,
    );
    const at = `http://127.0.0.1:${health}`;
    const r = await waitFor(
      async () => {
        const out = await kdns(
          "explain",
          "route",
          "http://shop.example.com/api/x",
          "--gateway-server",
          at,
          "-o",
          "json",
        );
        return out.code === 0 && JSON.parse(out.stdout).outcome !== "no-host" ? out : undefined;
      },
      { timeoutMs: 30_000, what: "the gateway to serve shop.example.com" },
    );
    const json = JSON.parse(r.stdout);
    assert.equal(json.object, "DNSRecord shop/shop-site");
    assert.equal(json.rewrittenPath, "/x");
    assert.deepEqual(json.backends, ["10.1.0.5:8080"]);
    const bad = await kdns("explain", "route", "ftp://x/", "--gateway-server", at);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.trim(), 'Error from server (BadRequest): "ftp://x/" is not an http or https URL');
    // The gateway serves no DNS explain: a Status, not a hang or an HTML page.
    const none = await fetch(`${at}/kdns/explain/dns?name=web`);
    assert.equal(none.status, 503);
    assert.match(((await none.json()) as { message: string }).message, /this process runs no DNS server/);
  } finally {
    await stop(gateway);
  }
});

/** GETs JSON from `url`, connecting from `localAddress`. */
function getJson(url: string, localAddress: string): Promise<any> {
  return new Promise((resolvePromise, reject) => {
    const req = get(url, { localAddress }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolvePromise(JSON.parse(body)));
    });
    req.on("error", reject);
  });
}

/** Reads the query stream at `url` until `done` holds for what arrived; returns it. */
async function streamUntil(url: string, send: () => Promise<void>, done: (text: string) => boolean): Promise<string> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const reader = res.body!.getReader();
  let text = "";
  const reading = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (end) return;
      text += Buffer.from(value!).toString();
    }
  })();
  try {
    await waitFor(() => text.startsWith(": kdns"), { what: "the stream to open" });
    await send();
    await waitFor(() => done(text), { timeoutMs: 2_000, what: "the queries in the stream" });
    return text;
  } finally {
    abort.abort();
    await reading;
  }
}

for (const workers of ["1", "2"]) {
  test(`kdns dns --workers ${workers} alone serves explain dns and the query stream on its health listener`, async () => {
    const [port, health] = [await freePort(), await freePort()];
    const dns = await startKdnsPart("dns", up!.server, health, [
      "--listen",
      `127.0.0.1:${port}`,
      "--upstream",
      `127.0.0.1:${upstream!.port}`,
      "--workers",
      workers,
      "--allow-recursion",
      "127.0.0.1/32",
    ]);
    try {
      const at = `http://127.0.0.1:${health}`;
      const r = await kdns("explain", "dns", "web.shop.svc.cluster.local", "--dns-server", at);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^web\.shop\.svc\.cluster\.local A \(asked as 127\.0\.0\.1\): NOERROR, authoritative$/m);
      assert.match(r.stdout, /from Service shop\/web/);
      // --from: the pod's namespace is looked up through the API by the DNS process.
      const from = await kdns("explain", "dns", "web", "--from", "10.1.0.5", "--dns-server", at);
      assert.equal(from.code, 0, from.stderr);
      assert.match(from.stdout, /Asked from a pod in namespace shop/);
      const bad = await kdns("explain", "dns", "web", "BOGUS", "--dns-server", at);
      assert.equal(bad.code, 1);
      assert.match(
        bad.stderr.trim(),
        /^Error from server \(BadRequest\): record type "BOGUS" is not one explain knows/,
      );
      // No token on this listener: a question is asked as the HTTP client, so the recursion ACL holds.
      const asked = await getJson(`${at}/kdns/explain/dns?name=example.org`, "127.0.0.2");
      assert.deepEqual([asked.question.client, asked.rcode], ["127.0.0.2", "REFUSED"]);
      // Distinct names from distinct source ports: with 2 workers the kernel spreads them over both,
      // so all of them arrive only if the stream carries every worker's queries.
      const names = Array.from({ length: 8 }, (_, i) => `q${i}-${workers}.shop.svc.cluster.local`);
      const text = await streamUntil(
        `${at}/kdns/console/queries`,
        async () => {
          for (const name of names) await dig("127.0.0.1", port, [name, "A"]);
        },
        (t) => names.every((n) => t.includes(`"name":"${n}"`)),
      );
      assert.match(text, /"rcode":"NXDOMAIN"/);
    } finally {
      await stop(dns);
    }
  });
}
