/** The API server over HTTPS with a generated CA, and the REST client trusting (or not) that CA. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { resourceByName } from "../../src/api/resources.ts";
import type { RunningApiServer } from "../../src/apiserver/index.ts";
import { ensurePki, type Pki } from "../../src/apiserver/pki/ensure-pki.ts";
import { servingSans } from "../../src/apiserver/pki/sans.ts";
import { type ClientError, RestClient } from "../../src/client/rest-client.ts";
import { type Harness, startHarness } from "./apiserver-harness.ts";

const NAMESPACES = resourceByName("namespaces")!;
const SERVICES = resourceByName("services")!;
let dir: string;
let pki: Pki;
let h: Harness;
let server: RunningApiServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kdns-tls-"));
  pki = await ensurePki(join(dir, "pki"), servingSans("127.0.0.1"));
  await writeFile(join(dir, "tokens"), "s3cret\n");
  h = await startHarness({ tls: { cert: pki.cert, key: pki.key }, tokenFile: join(dir, "tokens") });
  server = h.server;
});
after(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

test("the server URL is https and the token is still required", async () => {
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const anonymous = new RestClient({ server: server.url, ca: pki.ca });
  await assert.rejects(anonymous.list(NAMESPACES, undefined), (err: ClientError) => err.code === 401);
  assert.equal(
    (await anonymous.request<{ gitVersion?: string }>("GET", "/version")).gitVersion !== undefined,
    true,
    "public paths need no token",
  );
});

test("a client trusting the CA lists, creates and watches over TLS", async () => {
  const client = new RestClient({ server: server.url, token: "s3cret", ca: pki.ca });
  const list = await client.list(NAMESPACES, undefined);
  assert.ok(list.items.some((ns) => ns.metadata.name === "default"));
  const ac = new AbortController();
  const events = client.watch(
    SERVICES,
    "default",
    { resourceVersion: list.metadata.resourceVersion ?? "0" },
    ac.signal,
  );
  await client.create(SERVICES, "default", { metadata: { name: "web" }, spec: { ports: [{ port: 80 }] } });
  const first = await events.next();
  assert.equal(first.done, false);
  assert.equal(first.value?.type, "ADDED");
  assert.equal(first.value?.object.metadata.name, "web");
  ac.abort();
  assert.equal((await events.next()).done, true);
});

test("a client with the system CAs, or another CA, cannot reach it; insecure-skip-tls-verify can", async () => {
  const system = new RestClient({ server: server.url, token: "s3cret" });
  await assert.rejects(
    system.list(NAMESPACES, undefined),
    (err: ClientError) => err.code === 0 && /SELF_SIGNED|UNABLE_TO|CERT/.test(err.message),
  );
  const other = await ensurePki(join(dir, "other"), servingSans("127.0.0.1"));
  const wrong = new RestClient({ server: server.url, token: "s3cret", ca: other.ca });
  await assert.rejects(wrong.list(NAMESPACES, undefined), (err: ClientError) => err.code === 0);
  const insecure = new RestClient({ server: server.url, token: "s3cret", insecureSkipTlsVerify: true });
  assert.ok((await insecure.list(NAMESPACES, undefined)).items.length > 0);
});
