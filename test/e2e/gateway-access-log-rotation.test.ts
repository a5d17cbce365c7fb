/**
 * `--gateway-access-log FILE` and logrotate's convention, both engines, with the real CLI: the
 * file is renamed, kdns gets SIGHUP, and the next lines go to a new file at the path while the
 * renamed one keeps what was written before (nothing lost, nothing split, kdns still running).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { RestClient } from "../../src/client/rest-client.ts";
import { childEnv, stillRunning } from "../support/child.ts";
import { freePort } from "../support/free-port.ts";
import { BIN, gatewayArgs, NODE } from "../support/kdns-up.ts";
import { waitFor } from "../support/wait-for.ts";
import { type Harness, startHarness } from "./apiserver-harness.ts";
import { DNSRECORDS, dnsRecord, http, startEcho } from "./gateway-harness.ts";

let api: Harness;
let echo: Awaited<ReturnType<typeof startEcho>>;
before(async () => {
  api = await startHarness();
  echo = await startEcho("E");
  await new RestClient({ server: api.url }).create(
    DNSRECORDS,
    "default",
    dnsRecord("rot", "rot.test", [{ path: "/", address: "127.0.0.1", port: echo.port }]),
  );
});
after(async () => {
  await echo?.close();
  await api?.close();
});

for (const engine of ["builtin", "nginx"] as const) {
  describe(`${engine} engine`, () => {
    test("a renamed access log is reopened at its path on SIGHUP", async () => {
      const dir = await mkdtemp(join(tmpdir(), "kdns-access-rotate-"));
      const file = join(dir, "access.log");
      const port = await freePort();
      const health = await freePort();
      const args = [BIN, "gateway", "--server", api.url, ...gatewayArgs(port, engine)];
      args.push(
        "--health-listen",
        `127.0.0.1:${health}`,
        "--data-dir",
        join(dir, "data"),
        "--gateway-access-log",
        file,
      );
      const child = spawn(NODE, args, { env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      const alive = (): void => stillRunning(child, "kdns gateway", () => output);
      const logged = async (path: string, what: string): Promise<boolean> =>
        (await readFile(path, "utf8").catch(() => "")).includes(`"path":"${what}"`);
      try {
        // Ready: the route is served, and no nginx worker still answers from the start-up configuration.
        await waitFor(
          async () => {
            alive();
            return (await fetch(`http://127.0.0.1:${health}/readyz`).catch(() => undefined))?.ok === true;
          },
          { what: "the gateway ready", timeoutMs: 30_000 },
        );
        assert.equal((await http(port, "rot.test", "/before")).status, 200);
        await waitFor(() => logged(file, "/before"), { what: "/before logged" });
        await rename(file, `${file}.1`);
        child.kill("SIGHUP");
        await waitFor(
          async () => {
            alive();
            return (await stat(file).catch(() => undefined))?.isFile();
          },
          { what: "the file made anew" },
        );
        assert.equal((await http(port, "rot.test", "/after")).status, 200);
        await waitFor(() => logged(file, "/after"), { what: "/after logged in the new file" });
        alive();
        const old = await readFile(`${file}.1`, "utf8");
        const now = await readFile(file, "utf8");
        assert.ok(old.includes('"path":"/before"') && !old.includes('"path":"/after"'), old);
        assert.ok(!now.includes('"path":"/before"'), now);
        for (const line of [...old.trim().split("\n"), ...now.trim().split("\n")]) JSON.parse(line);
      } finally {
        child.kill("SIGTERM");
        if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
