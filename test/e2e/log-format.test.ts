/**
 * `--log-format` through the real CLI: `kdns apiserver` and `kdns dns` (against it) log JSON
 * lines by default and text lines with `--log-format text` or `KDNS_LOG_FORMAT=text`; a format
 * it does not know exits non-zero with one line.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { childEnv, stillRunning } from "../support/child.ts";
import { type FakeUpstream, startFakeUpstream } from "../support/fake-upstream.ts";
import { freePort } from "../support/free-port.ts";
import { BIN, NODE } from "../support/kdns-up.ts";
import { waitFor } from "../support/wait-for.ts";

interface Daemon {
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

let dir = "";
let upstream: FakeUpstream;
const running: Daemon[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kdns-log-format-"));
  upstream = await startFakeUpstream();
});

after(async () => {
  await Promise.all(running.map((d) => d.stop()));
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Starts `kdns ARGS` at log level info; resolves once its stderr matches `line`. */
async function start(args: string[], line: RegExp, env: Record<string, string> = {}): Promise<Daemon> {
  const child = spawn(NODE, [BIN, ...args], {
    cwd: dir,
    env: childEnv({ KDNS_LOG_LEVEL: "info", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<void>((r) => child.once("close", () => r()));
  const daemon: Daemon = {
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
  running.push(daemon);
  await waitFor(
    () => {
      stillRunning(child, `kdns ${args[0]}`, () => stdout + stderr);
      return line.test(stderr);
    },
    { timeoutMs: 30_000, what: `kdns ${args[0]} to log ${line}` },
  );
  return daemon;
}

test("the default is one JSON object per line", async () => {
  const api = await start(["apiserver", "--store", "memory", "--api-listen", "127.0.0.1:0"], /API server listening/);
  const line =
    api
      .stderr()
      .split("\n")
      .find((l) => l.includes("API server listening")) ?? "";
  const entry = JSON.parse(line) as Record<string, unknown>;
  assert.equal(entry.level, 30);
  assert.equal(entry.component, "apiserver");
  assert.match(String(entry.url), /^http:\/\/127\.0\.0\.1:\d+$/);
  await api.stop();
});

test("--log-format text and KDNS_LOG_FORMAT=text: time, level, component, message, fields", async () => {
  const api = await start(
    ["apiserver", "--store", "memory", "--api-listen", "127.0.0.1:0", "--log-format", "text"],
    /API server listening/,
  );
  const url = /url=(http:\S+)/.exec(api.stderr())?.[1];
  assert.match(
    api.stderr(),
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}apiserver: API server listening url=http:/m,
  );
  assert.ok(url, api.stderr());
  const dnsPort = await freePort();
  const dns = await start(
    [
      "dns",
      "--server",
      url,
      "--listen",
      `127.0.0.1:${dnsPort}`,
      "--health-listen",
      `127.0.0.1:${await freePort()}`,
      "--upstream",
      `127.0.0.1:${upstream.port}`,
    ],
    /dns server listening/,
    { KDNS_LOG_FORMAT: "text" },
  );
  assert.match(dns.stderr(), new RegExp(`INFO {2}dns: dns server listening host=127\\.0\\.0\\.1 port=${dnsPort}`));
  assert.doesNotMatch(dns.stderr(), /^\{/m);
});

test("an unknown format exits non-zero with one line and starts nothing", () => {
  const r = spawnSync(NODE, [BIN, "gateway", "--log-format", "xml"], { cwd: dir, env: childEnv(), encoding: "utf8" });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /--log-format.*'xml' is invalid\. Allowed choices are json, text/);
});
