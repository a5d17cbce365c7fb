/**
 * Paths mounted beside the API (the console): behind the API's token unless public, errors as
 * Kubernetes Status objects, and no mount may take an API path.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { mountConsole } from "../../src/cli/console/index.ts";
import { processRegistry } from "../../src/cli/parts/metrics.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { ApiError } from "../../src/machinery/status.ts";
import { type Harness, startHarness } from "./apiserver-harness.ts";

let dir = "";
let h: Harness;
const auth = { authorization: "Bearer s3cret" };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kdns-mount-"));
  await writeFile(join(dir, "tokens"), "s3cret,admin\n");
  h = await startHarness({ tokenFile: join(dir, "tokens") });
  h.server.mount("/private/", async (_req, res) => void res.end("private"));
  h.server.mount("/open/", async (_req, res) => void res.end("open"), { public: true });
  h.server.mount("/failing/", async () => {
    throw new ApiError(422, "Invalid", "bad input x");
  });
});

after(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

test("a mounted path needs the API token; a public one does not", async () => {
  const anon = await h.call("GET", "/private/x");
  assert.equal(anon.status, 401);
  assert.equal(anon.body.reason, "Unauthorized");
  assert.equal((await h.call("GET", "/private/x", undefined, auth)).body, "private");
  assert.equal((await h.call("GET", "/open/x")).body, "open");
});

test("an error thrown by a mounted handler is its Status response", async () => {
  const res = await h.call("GET", "/failing/", undefined, auth);
  assert.equal(res.status, 422);
  assert.equal(res.body.kind, "Status");
  assert.equal(res.body.message, "bad input x");
});

test("no mount may take an API path", () => {
  assert.throws(() => h.server.mount("/api/", async () => undefined), /cannot mount \/api\/: the API serves it/);
});

test("the console's endpoints are read-only, behind the token, and answer parts that do not run with 503", async () => {
  const client = new RestClient({ server: h.url, token: "s3cret" });
  const ui = mountConsole(h.server, { client, registry: processRegistry(), zone: "cluster.local" });
  try {
    assert.equal((await h.call("GET", "/kdns/explain/dns?name=x")).status, 401);
    const noDns = await h.call("GET", "/kdns/explain/dns?name=x", undefined, auth);
    assert.equal(noDns.status, 503);
    assert.equal(noDns.body.message, "this process runs no DNS server");
    assert.equal((await h.call("POST", "/kdns/explain/route?url=x", undefined, auth)).status, 405);
    assert.equal((await h.call("GET", "/kdns/nothing", undefined, auth)).status, 404);
    const page = await fetch(`${h.url}/ui/`);
    // Public, whether or not the bundle was built here.
    assert.ok(page.status === 200 || page.status === 503, String(page.status));
    const redirect = await fetch(`${h.url}/ui`, { redirect: "manual" });
    assert.equal(redirect.status, 308);
    assert.equal(redirect.headers.get("location"), "/ui/");
  } finally {
    ui.close();
  }
});
