/**
 * Property test of the built-in engine's request handling: request heads generated from the
 * grammar of RFC 9112 §3–§7 and RFC 9110 §5, sent on a raw socket, some with one small mutation
 * (a duplicated field, whitespace before a colon, a bare LF, a control byte, obs-fold, another
 * version, target or framing…). Every request must either be refused by the gateway (400, 414,
 * 501, 505, or a close) with nothing forwarded, or reach the backend as a request that, reparsed by
 * the same strict reading, means what the client sent: method, target in origin-form, one Host,
 * the end-to-end fields in order, the body. The one other answer allowed is 404 to an HTTP/1.0
 * request without Host, which names no host. Unmutated requests must all be forwarded.
 */

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { startTwoHosts, type TestEngine, type TwoHosts } from "../support/gateway-engine.ts";
import { type ModelRequest, modelField, readModelRequest } from "../support/http-head-model.ts";
import type { LoggingBackend } from "../support/logging-backend.ts";
import { RawClient } from "../support/raw-http.ts";

const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const PCHAR = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@";
/** VCHAR and obs-text (latin1), the characters of a field value besides inner SP/HTAB. */
const VALUE_CHARS = Array.from({ length: 0xff - 0x20 }, (_, i) => String.fromCharCode(0x21 + i)).filter(
  (c) => c !== "\x7f",
);
/** Fields the gateway itself sets, rewrites or drops (RFC 9110 §7.6.1 and its X-Forwarded-* set). */
const GATEWAY_FIELDS = new Set([
  "host",
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-authenticate",
  "proxy-authorization",
  "expect",
  "content-length",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
]);
const REFUSALS = new Set([400, 414, 501, 505]);

const chars = (set: string | string[], min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...set), minLength: min, maxLength: max });

/** A generated request, kept as parts so a mutation can change one of them. */
interface Parts {
  method: string;
  target: string;
  version: string;
  /** Field lines as sent, `name:OWS value OWS`, CRLF not included. */
  lines: string[];
  body: string;
}

const fieldName = chars(TCHAR, 1, 12).filter((n) => !GATEWAY_FIELDS.has(n.toLowerCase()));
const fieldValue = fc
  .tuple(chars(VALUE_CHARS, 0, 12), chars([" ", "\t", "a", "Z", "\u00e9"], 0, 4), chars(VALUE_CHARS, 0, 12))
  .map(([a, mid, b]) => `${a}${mid}${b}`.replace(/^[ \t]+|[ \t]+$/g, ""));
const ows = fc.constantFrom("", " ", "  ", "\t", " \t");
const fieldLine = fc
  .tuple(fieldName, ows, fieldValue, ows)
  .map(([name, before, value, after]) => `${name}:${before}${value}${value === "" ? "" : after}`);
const path = fc
  .array(chars([...PCHAR.split(""), "%41", "%2F"], 0, 8), { maxLength: 4 })
  .map((segments) => `/${segments.join("/")}`);
const query = fc.option(chars([...PCHAR.split(""), "/", "?"], 0, 10), { nil: undefined });
/** Names that route to the smug.test backend, as Host values or authorities. */
const smugName = fc.constantFrom("smug.test", "SMUG.test", "smug.test:80", "smug.test.", "smug.test:18080");

const validRequest: fc.Arbitrary<Parts> = fc
  .record({
    method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"),
    absolute: fc.boolean(),
    scheme: fc.constantFrom("http", "HTTP", "Http"),
    authority: smugName,
    host: fc.oneof(smugName, fc.constantFrom("evil.test", "other.test:8080")),
    path,
    query,
    version: fc.constantFrom("HTTP/1.1", "HTTP/1.1", "HTTP/1.0"),
    fields: fc.array(fieldLine, { maxLength: 8 }),
    hostAt: fc.nat(),
    forwardedFor: fc.option(fc.constantFrom("203.0.113.7", "198.51.100.1, 203.0.113.7"), { nil: undefined }),
    connection: fc.option(fc.constantFrom("keep-alive", "close"), { nil: undefined }),
    body: fc.option(fc.tuple(fc.constantFrom("length", "chunked"), chars(VALUE_CHARS, 1, 40)), { nil: undefined }),
  })
  .map((r) => {
    const target = `${r.absolute ? `${r.scheme}://${r.authority}` : ""}${r.path}${r.query === undefined ? "" : `?${r.query}`}`;
    // Origin-form must name smug.test in Host; absolute-form routes by its authority whatever Host says.
    const lines = [...r.fields];
    lines.splice(r.hostAt % (lines.length + 1), 0, `Host: ${r.absolute ? r.host : "smug.test"}`);
    if (r.forwardedFor !== undefined) lines.push(`X-Forwarded-For: ${r.forwardedFor}`);
    if (r.connection !== undefined) lines.push(`Connection: ${r.connection}`);
    let body = "";
    if (r.body !== undefined) {
      const [framing, data] = r.body;
      if (framing === "chunked" && r.version === "HTTP/1.1") {
        lines.push("Transfer-Encoding: chunked");
        body = `${data.length.toString(16)}\r\n${data}\r\n0\r\n\r\n`;
      } else {
        lines.push(`Content-Length: ${data.length}`);
        body = data;
      }
    }
    return { method: r.method, target, version: r.version, lines, body };
  });

const serialize = (p: Parts): string =>
  `${p.method} ${p.target} ${p.version}\r\n${p.lines.map((l) => `${l}\r\n`).join("")}\r\n${p.body}`;

/** One small mutation, applied to the parts or to the serialized bytes. */
const mutation: fc.Arbitrary<(p: Parts) => string> = fc.oneof(
  fc.nat().map((i) => (p: Parts) => {
    const lines = [...p.lines];
    const at = i % lines.length;
    lines.splice(at, 0, lines[at]!);
    return serialize({ ...p, lines });
  }),
  fc.tuple(fc.nat(), fc.constantFrom(" ", "\t")).map(([i, ws]) => (p: Parts) => {
    const lines = p.lines.map((l, j) => (j === i % p.lines.length ? l.replace(":", `${ws}:`) : l));
    return serialize({ ...p, lines });
  }),
  fc.nat().map((i) => (p: Parts) => {
    const text = serialize(p);
    const head = text.indexOf("\r\n\r\n");
    const crlfs = [...text.slice(0, head + 2).matchAll(/\r\n/g)].map((m) => m.index);
    const at = crlfs[i % crlfs.length]!;
    return `${text.slice(0, at)}\n${text.slice(at + 2)}`;
  }),
  fc.tuple(fc.nat(), fc.constantFrom("\0", "\r", "\x7f", "\x01", "\x1b", "\n")).map(([i, c]) => (p: Parts) => {
    const text = serialize(p);
    const at = 1 + (i % (text.indexOf("\r\n\r\n") - 1));
    return `${text.slice(0, at)}${c}${text.slice(at)}`;
  }),
  fc.nat().map((i) => (p: Parts) => {
    const lines = p.lines.map((l, j) => (j === i % p.lines.length ? `${l}\r\n folded` : l));
    return serialize({ ...p, lines });
  }),
  fc
    .constantFrom("HTTP/1.2", "HTTP/2.0", "HTTP/0.9", "http/1.1", "HTTP/1", "HTTP/1.1 ")
    .map((version) => (p: Parts) => serialize({ ...p, version })),
  fc
    .constantFrom(
      "*",
      "http://",
      "https://smug.test/",
      "ftp://smug.test/",
      "smug.test:80",
      "/a b",
      "http://u@smug.test/",
    )
    .map((target) => (p: Parts) => serialize({ ...p, target })),
  fc
    .constantFrom("Transfer-Encoding: xchunked", "Transfer-Encoding: chunked, identity", "Transfer-Encoding: chunked")
    .map((te) => (p: Parts) => serialize({ ...p, lines: [...p.lines, te, "Content-Length: 0"] })),
  fc
    .constantFrom("-1", "+5", "0x10", "1e3", "5 5", "")
    .map((v) => (p: Parts) => serialize({ ...p, lines: [...p.lines, `Content-Length: ${v}`] })),
  fc.constant((p: Parts) => serialize({ ...p, lines: p.lines.filter((l) => !/^host:/i.test(l)) })),
  fc
    .constantFrom("evil.test", "smug.test", "", "smug.test/x", "smug..test", "a b")
    .map((h) => (p: Parts) => serialize({ ...p, lines: [...p.lines, `Host: ${h}`] })),
  fc.constantFrom("get", "G ET", "GET\t", "FOO", "CONNECT").map((method) => (p: Parts) => serialize({ ...p, method })),
  fc.tuple(fc.nat(), fc.constantFrom("(", "@", " ", "\u00e9", "/")).map(([i, c]) => (p: Parts) => {
    const lines = p.lines.map((l, j) => (j === i % p.lines.length ? `${c}${l}` : l));
    return serialize({ ...p, lines });
  }),
  fc.constant((p: Parts) => serialize({ ...p, lines: [...p.lines, `X-Big: ${"b".repeat(9000)}`] })),
);

/** What the forwarded request must say, given the client's: the origin-form target and the Host. */
function expectedTarget(client: ModelRequest): { target: string; host: string } {
  const m = /^http:\/\/([^/?#]*)(.*)$/i.exec(client.target);
  if (!m) return { target: client.target, host: modelField(client, "host")[0] ?? "" };
  const rest = m[2] ?? "";
  return { target: rest.startsWith("/") ? rest : `/${rest}`, host: m[1] ?? "" };
}

/** End-to-end fields: what the gateway neither sets, drops nor re-frames. */
function endToEnd(request: ModelRequest): [string, string][] {
  const named = new Set(
    modelField(request, "connection")
      .join(",")
      .split(",")
      .map((t) => t.trim().toLowerCase()),
  );
  return request.fields.filter(([n]) => !GATEWAY_FIELDS.has(n.toLowerCase()) && !named.has(n.toLowerCase()));
}

/** Asserts that `forwarded` means what `sent` meant. */
function assertSameMeaning(sent: ModelRequest, forwarded: ModelRequest): void {
  const { target, host } = expectedTarget(sent);
  assert.equal(forwarded.method, sent.method, "method");
  assert.equal(forwarded.target, target, "target in origin-form");
  assert.deepEqual(modelField(forwarded, "host"), [host], "exactly one Host, the client's or the target's authority");
  assert.deepEqual(endToEnd(forwarded), endToEnd(sent), "end-to-end fields, in order");
  assert.deepEqual(modelField(forwarded, "x-forwarded-for"), [
    [...modelField(sent, "x-forwarded-for"), "127.0.0.1"].join(", "),
  ]);
  assert.equal(forwarded.body.toString("latin1"), sent.body.toString("latin1"), "body");
}

describe("built-in engine: generated and mutated request heads", () => {
  let gw: TestEngine;
  let smug: LoggingBackend;
  let evil: LoggingBackend;
  let hosts: TwoHosts | undefined;
  before(async () => {
    hosts = await startTwoHosts("builtin", { headerTimeoutMs: 500, bodyTimeoutMs: 500 });
    ({ gw, smug, evil } = hosts);
  });
  after(() => hosts?.close());

  /** Sends `bytes`; returns the final response's status, or "closed" when none came. */
  async function exchange(bytes: string): Promise<number | "closed"> {
    const client = await RawClient.connect(gw.port, gw.host);
    if (bytes.startsWith("HEAD ")) client.headResponses = 1;
    client.write(bytes);
    try {
      for (let n = 1; ; n++) {
        const responses = await client.read(n).catch(() => undefined);
        const last = responses?.[n - 1];
        if (!last) return "closed";
        if (last.status >= 200) return last.status;
      }
    } finally {
      client.destroy();
    }
  }

  /** The property: refused with nothing forwarded, or forwarded meaning the same. */
  async function check(bytes: string, mustForward: boolean): Promise<void> {
    smug.clear();
    evil.clear();
    const before = { offsets: smug.raw.map((b) => b?.length ?? 0), received: smug.received + evil.received };
    const status = await exchange(bytes);
    const sent = readModelRequest(Buffer.from(bytes, "latin1"));
    if (status === "closed" || REFUSALS.has(status)) {
      assert.ok(!mustForward, `a valid request was refused (${status}): ${JSON.stringify(bytes.slice(0, 300))}`);
      assert.equal(smug.received + evil.received, before.received, `refused (${status}) but bytes went upstream`);
      return;
    }
    if (
      status === 404 &&
      !("invalid" in sent) &&
      sent.version === "HTTP/1.0" &&
      modelField(sent, "host").length === 0
    ) {
      // HTTP/1.0 may omit Host (RFC 9112 §3.2); such a request names no host to route to.
      assert.ok(!mustForward, "a generated request named no host");
      assert.equal(smug.received + evil.received, before.received, "404 but bytes went upstream");
      return;
    }
    assert.equal(status, 200, `neither refused nor forwarded: ${status} for ${JSON.stringify(bytes.slice(0, 300))}`);
    assert.ok(!("invalid" in sent), `forwarded what the grammar rejects (${"invalid" in sent ? sent.invalid : ""})`);
    assert.equal(evil.requests.length, 0, "forwarded to the other host's backend");
    assert.equal(smug.requests.length, 1, "one request forwarded");
    const connection = smug.requests[0]!.connection;
    // A pooled backend connection carried earlier requests: read from where this one began.
    const forwarded = readModelRequest(smug.raw[connection]!.subarray(before.offsets[connection] ?? 0));
    assert.ok(
      !("invalid" in forwarded),
      `the forwarded head is invalid: ${"invalid" in forwarded ? forwarded.invalid : ""}`,
    );
    assertSameMeaning(sent as ModelRequest, forwarded as ModelRequest);
  }

  test("every request generated from the grammar is forwarded meaning the same", async () => {
    await fc.assert(
      fc.asyncProperty(validRequest, (p) => check(serialize(p), true)),
      { numRuns: 200 },
    );
  });

  test("a request with one mutation is refused with nothing forwarded, or forwarded meaning the same", async () => {
    await fc.assert(
      fc.asyncProperty(validRequest, mutation, (p, mutate) => check(mutate(p), false)),
      { numRuns: 400 },
    );
  });
});
