import assert from "node:assert/strict";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Command } from "commander";
import { type ApiFlags, addApiFlags, checkApiFlags } from "../options/api.ts";
import { apiTls } from "./api-tls.ts";

/** The API flags as `kdns apiserver ARGS` parses them. */
function apiFlags(...args: string[]): ApiFlags {
  const cmd = addApiFlags(new Command()).exitOverride();
  cmd.parse(args, { from: "user" });
  return checkApiFlags(cmd.opts<ApiFlags>());
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kdns-api-tls-"));
  await writeFile(join(dir, "tokens"), "t0k\n");
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("--tls-cert-file and --tls-private-key-file go together", () => {
  assert.throws(() => apiFlags("--tls-cert-file", "c.pem"), /go together, got only --tls-cert-file/);
  assert.throws(() => apiFlags("--tls-private-key-file", "k.pem"), /go together, got only --tls-private-key-file/);
  assert.deepEqual(
    [apiFlags("--tls-cert-file", "c", "--tls-private-key-file", "k").tlsCertFile, apiFlags().tlsCertFile],
    ["c", undefined],
  );
});

test("no token and no certificate: plain http", async () => {
  assert.equal(await apiTls(apiFlags("--data-dir", join(dir, "plain"))), undefined);
});

test("a token without certificates: a CA and serving certificate generated in <data-dir>/pki", async () => {
  const tls = await apiTls(
    apiFlags("--data-dir", join(dir, "gen"), "--token-file", join(dir, "tokens"), "--api-listen", "127.0.0.5:6443"),
  );
  assert.ok(tls);
  assert.equal(tls.trust.ca, tls.kubeconfigCa);
  assert.match(tls.cert, /BEGIN CERTIFICATE/);
  assert.equal((await stat(join(dir, "gen", "pki", "apiserver.key"))).mode & 0o777, 0o600);
  const again = await apiTls(
    apiFlags("--data-dir", join(dir, "gen"), "--token-file", join(dir, "tokens"), "--api-listen", "127.0.0.5:6443"),
  );
  assert.equal(again?.cert, tls.cert, "reused on the next start");
});

test("given certificate files are served as they are; a missing one is a clear error", async () => {
  await writeFile(join(dir, "c.pem"), "CERT");
  await writeFile(join(dir, "k.pem"), "KEY");
  const given = ["--data-dir", join(dir, "given"), "--tls-private-key-file", join(dir, "k.pem")];
  const tls = await apiTls(apiFlags(...given, "--tls-cert-file", join(dir, "c.pem")));
  assert.deepEqual([tls?.cert, tls?.key, tls?.kubeconfigCa], ["CERT", "KEY", "CERT"]);
  await assert.rejects(
    apiTls(apiFlags(...given, "--tls-cert-file", join(dir, "nope.pem"))),
    /cannot read --tls-cert-file ".*nope\.pem": ENOENT/,
  );
});
