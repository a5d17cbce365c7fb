/**
 * The nginx supervisor's reload against the real nginx: the reload is the validation while nginx
 * runs, so a configuration nginx refuses must come back as `failed` with nginx's own `[emerg]`
 * line while the old workers keep serving, and an accepted one must serve every connection opened
 * after `reload` resolved — no retiring worker may answer one from the old configuration.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { findNginx } from "../../src/gateway/nginx/binary.ts";
import { NginxSupervisor } from "../../src/gateway/nginx/supervisor.ts";
import { logger } from "../../src/machinery/log.ts";
import { freePort } from "../support/free-port.ts";

let dir: string;
let port: number;
let supervisor: NginxSupervisor;

/** A configuration answering every request with `body`, with two workers to retire on a reload. */
function config(body: string, extra = ""): string {
  return [
    "worker_processes 2;",
    "pid nginx.pid;",
    "error_log logs/error.log warn;",
    "events { worker_connections 64; }",
    "http {",
    "    access_log off;",
    extra,
    "    server {",
    `        listen 127.0.0.1:${port};`,
    `        location / { return 200 "${body}"; }`,
    "    }",
    "}",
    "",
  ].join("\n");
}

/** The body of a GET on a new connection. */
function get(): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kdns-nginx-supervisor-"));
  port = await freePort();
  supervisor = new NginxSupervisor({ binary: await findNginx(), dir, log: logger("test-nginx-supervisor") });
  await supervisor.prepare();
  const tested = await supervisor.test(config("one"));
  assert.deepEqual(tested, { type: "ok" });
  await supervisor.install();
  await supervisor.start();
});

after(async () => {
  await supervisor.close();
  await rm(dir, { recursive: true, force: true });
});

test("a reload nginx refuses reports its [emerg] line and the old workers keep serving", async () => {
  assert.equal(await get(), "one");
  assert.equal(await supervisor.reloadValidates(), true, "nginx runs and its workers are visible");
  await supervisor.stage(config("broken", "    no_such_directive on;"));
  await supervisor.install();
  const reloaded = await supervisor.reload();
  assert.equal(reloaded.type, "failed");
  assert.match(reloaded.type === "failed" ? reloaded.error : "", /^\[emerg\] unknown directive "no_such_directive"/);
  assert.equal(await get(), "one");
});

test("once a reload resolved, every new connection is served by the new configuration", async () => {
  for (const body of ["two", "three", "four"]) {
    await supervisor.stage(config(body));
    await supervisor.install();
    assert.deepEqual(await supervisor.reload(), { type: "ok" });
    const answers = await Promise.all(Array.from({ length: 20 }, get));
    assert.deepEqual(new Set(answers), new Set([body]));
  }
});
