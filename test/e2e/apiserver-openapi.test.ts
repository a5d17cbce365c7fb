/**
 * End-to-end: /openapi/v2 (JSON and protobuf, chosen by Accept) and /openapi/v3 over HTTP, with
 * kube-apiserver's caching headers: a strong ETag, 304 for If-None-Match, and for a v3 group
 * version an immutable response at the current hash and a 301 from an old one.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SERVED_RESOURCES } from "../../src/api/resources.ts";
import { openApiV2Types } from "../../src/apiserver/openapi/v2-protobuf.ts";
import { type Harness, startHarness } from "./apiserver-harness.ts";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const PB = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

test("/openapi/v2 as JSON, and as protobuf for kubectl's Accept, each with its own ETag", async () => {
  const json = await fetch(`${h.url}/openapi/v2`, { headers: { accept: "application/json" } });
  assert.equal(json.status, 200);
  assert.equal(json.headers.get("content-type"), "application/json");
  const doc = (await json.json()) as { swagger: string; definitions: Record<string, unknown> };
  assert.equal(doc.swagger, "2.0");
  assert.ok(doc.definitions["dev.kdns.v1.DNSRecord"]);

  const pb = await fetch(`${h.url}/openapi/v2`, { headers: { accept: `${PB}, application/json;q=0.5` } });
  assert.equal(pb.status, 200);
  // The '@' spelling is what clients ask for; Go's MIME parser refuses it in a response.
  assert.equal(pb.headers.get("content-type"), "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
  const Document = openApiV2Types().lookupType("openapi.v2.Document");
  const decoded = Document.toObject(Document.decode(new Uint8Array(await pb.arrayBuffer()))) as {
    definitions: { additional_properties: { name: string }[] };
  };
  assert.deepEqual(
    decoded.definitions.additional_properties.map((d) => d.name).sort(),
    Object.keys(doc.definitions).sort(),
  );

  const etag = json.headers.get("etag") ?? "";
  assert.match(etag, /^"[0-9A-F]{128}"$/);
  assert.notEqual(pb.headers.get("etag"), etag);
  const again = await fetch(`${h.url}/openapi/v2`, { headers: { accept: "application/json", "if-none-match": etag } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
  const star = await fetch(`${h.url}/openapi/v2`, { headers: { accept: "*/*" } });
  assert.equal(star.headers.get("content-type"), "application/json");
  await star.body?.cancel();
});

test("/openapi/v2 answers 406 for a type it does not serve, 405 for a write", async () => {
  const res = await fetch(`${h.url}/openapi/v2`, { headers: { accept: "text/html" } });
  assert.equal(res.status, 406);
  const status = (await res.json()) as { reason: string; message: string };
  assert.equal(status.reason, "NotAcceptable");
  assert.match(status.message, /not text\/html$/);
  assert.equal((await fetch(`${h.url}/openapi/v2`, { method: "POST" })).status, 405);
});

test("/openapi/v3 lists each group version at its hash; the hash is immutable, an old one redirects", async () => {
  const root = (await (await fetch(`${h.url}/openapi/v3`)).json()) as {
    paths: Record<string, { serverRelativeURL: string }>;
  };
  // One document per group version served (every version of every resource).
  const served = new Set(SERVED_RESOURCES.map((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`)));
  assert.ok(served.has("api/v1") && served.has("apis/kdns.dev/v1"));
  assert.deepEqual(Object.keys(root.paths).sort(), [...served].sort());
  const url = root.paths["apis/kdns.dev/v1"]!.serverRelativeURL;
  const hash = /\?hash=([0-9A-F]{128})$/.exec(url)?.[1];
  assert.ok(hash, url);
  const current = await fetch(h.url + url);
  assert.equal(current.status, 200);
  assert.equal(current.headers.get("cache-control"), "public, immutable");
  assert.equal(current.headers.get("etag"), `"${hash}"`);
  const doc = (await current.json()) as { components: { schemas: Record<string, unknown> } };
  assert.ok(doc.components.schemas["dev.kdns.v1.DNSRecordSpec"]);
  const old = await fetch(`${h.url}/openapi/v3/apis/kdns.dev/v1?hash=0123`, { redirect: "manual" });
  assert.equal(old.status, 301);
  assert.equal(old.headers.get("location"), url);
  const plain = await fetch(`${h.url}/openapi/v3/apis/kdns.dev/v1`);
  assert.equal(plain.headers.get("cache-control"), "no-cache, private");
  await plain.body?.cancel();
  assert.equal((await fetch(`${h.url}/openapi/v3/apis/nope/v1`)).status, 404);
});
