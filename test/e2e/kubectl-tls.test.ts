/**
 * `kdns up --token-file` serves HTTPS with a CA it generated, so the real kubectl (which sends a
 * bearer token only over TLS) works from the kubeconfig `kdns up` writes; so does the kdns CLI.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parse } from "yaml";
import { httpsFetch } from "../support/https-fetch.ts";
import { type Cluster, ok, requireKubectl, startCluster } from "./kubectl-harness.ts";

const TOKEN = "tls-e2e-token";
let tokenDir: string;
let c: Cluster;

before(async () => {
  requireKubectl();
  tokenDir = await mkdtemp(join(tmpdir(), "kdns-tls-token-"));
  await writeFile(join(tokenDir, "tokens"), `${TOKEN},admin,1\n`);
  c = await startCluster(["--store", "memory", "--token-file", join(tokenDir, "tokens")]);
});
after(async () => {
  await c?.stop();
  await rm(tokenDir, { recursive: true, force: true });
});

test("kdns up with a token serves https with a generated CA; no token is a 401", async () => {
  assert.match(c.server, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(c.ca !== undefined && new X509Certificate(c.ca).ca);
  assert.equal((await stat(join(c.dir, "data", "pki", "apiserver.key"))).mode & 0o777, 0o600);
  const get = httpsFetch({ ca: c.ca });
  assert.equal((await get(`${c.server}/api/v1/namespaces`, {})).status, 401);
  assert.equal(
    (await get(`${c.server}/api/v1/namespaces`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    200,
  );
  await assert.rejects(fetch(`${c.server}/version`), "the system CAs do not trust the generated CA");
});

test("the kubeconfig carries the CA and the token, and no insecure-skip-tls-verify", async () => {
  const text = ok(await c.kdns(["kubeconfig", "--data-dir", join(c.dir, "data")]), "kdns kubeconfig");
  const config = parse(text) as {
    clusters: { cluster: Record<string, unknown> }[];
    users: { user: { token?: string } }[];
  };
  const cluster = config.clusters[0]!.cluster;
  assert.equal(cluster.server, c.server);
  assert.equal(Buffer.from(String(cluster["certificate-authority-data"]), "base64").toString(), c.ca);
  assert.equal(cluster["insecure-skip-tls-verify"], undefined);
  assert.equal(config.users[0]!.user.token, TOKEN);
});

test("the kdns CLI reads with the token and the CA, and refuses without the CA", async () => {
  const out = ok(
    await c.kdns(["get", "ns", "--server", c.server, "--token", TOKEN, "--certificate-authority", c.caPath!]),
    "kdns get ns",
  );
  assert.match(out, /^default\s/m);
  const viaDataDir = await c.kdns(["get", "ns", "--server", c.server, "--token", TOKEN], {
    KDNS_DATA_DIR: join(c.dir, "data"),
  });
  assert.match(ok(viaDataDir, "kdns get ns (CA from KDNS_DATA_DIR)"), /^kube-system\s/m);
  const noCa = await c.kdns(["get", "ns", "--server", c.server, "--token", TOKEN], {
    KDNS_DATA_DIR: join(c.dir, "nowhere"),
  });
  assert.notEqual(noCa.code, 0);
  assert.match(
    noCa.stderr,
    /^error: cannot reach the API server at https:.*(SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT)/m,
  );
  const insecure = await c.kdns(["get", "ns", "--server", c.server, "--token", TOKEN, "--insecure-skip-tls-verify"], {
    KDNS_DATA_DIR: join(c.dir, "nowhere"),
  });
  assert.match(ok(insecure, "kdns get ns --insecure-skip-tls-verify"), /^default\s/m);
});

test("the real kubectl gets and applies over TLS with the token; a wrong token is Unauthorized", async () => {
  assert.match(ok(await c.kubectl(["get", "ns"]), "kubectl get ns"), /^default\s+Active/m);
  const file = await c.file(
    "svc.yaml",
    "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\nspec: {ports: [{port: 80}]}\n",
  );
  assert.match(ok(await c.kubectl(["apply", "-f", file]), "kubectl apply"), /service\/web created/);
  assert.match(ok(await c.kubectl(["get", "svc", "web", "-o", "name"]), "kubectl get svc"), /^service\/web$/m);
  const wrong = await c.kubectl(["get", "ns", "--token", "not-the-token"]);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /error: You must be logged in to the server \(Unauthorized\)/);
});

test("the kubernetes Service of a TLS API server is https/443 onto the API port", async () => {
  const port = new URL(c.server).port;
  const svc = ok(await c.kubectl(["get", "svc", "kubernetes", "-n", "default"]), "kubectl get svc kubernetes");
  assert.match(svc, /^kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+\d+s$/m);
  const ep = ok(await c.kubectl(["get", "endpoints", "kubernetes", "-n", "default"]), "kubectl get ep kubernetes");
  assert.match(ep, new RegExp(`^kubernetes\\s+127\\.0\\.0\\.1:${port}\\s`, "m"));
});
