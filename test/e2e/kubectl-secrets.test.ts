/**
 * Secrets and ConfigMaps with the real kubectl against `kdns up`: `kubectl create secret tls`
 * with a certificate made by openssl here, `create secret generic`, `create configmap` (all three
 * send protobuf), get (tables), describe, apply with stringData, a DNSRecord with spec.tls, the
 * errors, delete, and the kdns CLI. Last, everything kdns logged (at trace level) and every
 * table, describe and error text is searched for the secret values: none may appear.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { type Cluster, type Result, requireKubectl, startCluster } from "./kubectl-harness.ts";

const run = promisify(execFile);

/** The literal secret value; neither it nor its base64 may show up where values are not asked for. */
const PASSWORD = "kdns-e2e-S3cr3t-Pa55word";
const STRING_DATA = "kdns-e2e-stringData-value";
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

let c: Cluster;
let certPem: string;
let keyPem: string;
/** Output of every command that is not an explicit read of a Secret's data, for the last test. */
const shown: string[] = [];

function ok(r: Result, what: string): string {
  assert.equal(r.code, 0, `${what} failed (${r.code}): ${r.stderr}${r.stdout}`);
  shown.push(r.stdout, r.stderr);
  return r.stdout;
}

function fails(r: Result, what: string): string {
  assert.notEqual(r.code, 0, `${what} should fail, printed: ${r.stdout}`);
  shown.push(r.stdout, r.stderr);
  return r.stderr.trim();
}

/** The data of a Secret as kubectl reads it (an explicit read, so not added to `shown`). */
async function secretData(name: string): Promise<Record<string, string>> {
  const r = await c.kubectl(["get", "secret", name, "-n", "shop", "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { data: Record<string, string> }).data;
}

/** A CA and a certificate for shop.example.test signed by it, made with openssl (EC keys: quick). */
async function makeCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const at = (name: string) => join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const ca = ["-keyout", at("ca.key"), "-out", at("ca.crt"), "-days", "1", "-subj", "/CN=kdns e2e test CA"];
  await run("openssl", ["req", "-x509", ...ec, ...ca]);
  await run("openssl", [
    "req",
    ...ec,
    "-keyout",
    at("site.key"),
    "-out",
    at("site.csr"),
    "-subj",
    "/CN=shop.example.test",
  ]);
  await c.file("san.ext", "subjectAltName=DNS:shop.example.test\n");
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    at("site.csr"),
    "-CA",
    at("ca.crt"),
    "-CAkey",
    at("ca.key"),
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    at("san.ext"),
    "-out",
    at("site.crt"),
  ]);
  return { cert: at("site.crt"), key: at("site.key") };
}

before(async () => {
  requireKubectl();
  c = await startCluster(["--store", "memory"], undefined, { KDNS_LOG_LEVEL: "trace" });
  const { cert, key } = await makeCertificate(c.dir);
  [certPem, keyPem] = [await readFile(cert, "utf8"), await readFile(key, "utf8")];
  ok(
    await c.kubectl(["apply", "-f", "-"], { stdin: "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n" }),
    "namespace",
  );
});
after(async () => {
  await c?.stop();
});

test("kubectl create secret tls|generic and create configmap (protobuf bodies) store what was given", async () => {
  const dir = c.dir;
  assert.equal(
    ok(
      await c.kubectl([
        "create",
        "secret",
        "tls",
        "site-tls",
        `--cert=${join(dir, "site.crt")}`,
        `--key=${join(dir, "site.key")}`,
        "-n",
        "shop",
      ]),
      "create secret tls",
    ),
    "secret/site-tls created\n",
  );
  assert.equal(
    ok(
      await c.kubectl([
        "create",
        "secret",
        "generic",
        "creds",
        "--from-literal=username=admin",
        `--from-literal=password=${PASSWORD}`,
        "-n",
        "shop",
      ]),
      "create secret generic",
    ),
    "secret/creds created\n",
  );
  const logo = await c.file("logo.bin", Buffer.from([0, 1, 2, 0xff]));
  assert.equal(
    ok(
      await c.kubectl([
        "create",
        "configmap",
        "settings",
        "--from-literal=mode=fast",
        `--from-file=logo.bin=${logo}`,
        "-n",
        "shop",
      ]),
      "create configmap",
    ),
    "configmap/settings created\n",
  );
  const tls = await secretData("site-tls");
  assert.deepEqual(Object.keys(tls), ["tls.crt", "tls.key"]);
  assert.equal(Buffer.from(tls["tls.crt"]!, "base64").toString(), certPem);
  assert.equal(Buffer.from(tls["tls.key"]!, "base64").toString(), keyPem);
  const type = ok(await c.kubectl(["get", "secret", "site-tls", "-n", "shop", "-o", "jsonpath={.type}"]), "type");
  assert.equal(type, "kubernetes.io/tls");
  assert.deepEqual(await secretData("creds"), { password: b64(PASSWORD), username: b64("admin") });
  const cm = JSON.parse(ok(await c.kubectl(["get", "cm", "settings", "-n", "shop", "-o", "json"]), "get cm")) as {
    data: unknown;
    binaryData: unknown;
  };
  assert.deepEqual([cm.data, cm.binaryData], [{ mode: "fast" }, { "logo.bin": "AAEC/w==" }]);
});

test("discovery and tables: secrets NAME TYPE DATA AGE, cm NAME DATA AGE", async () => {
  const resources = ok(await c.kubectl(["api-resources"]), "api-resources");
  assert.match(resources, /^secrets\s+v1\s+true\s+Secret$/m);
  assert.match(resources, /^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/m);
  const secrets = ok(await c.kubectl(["get", "secrets", "-n", "shop"]), "get secrets");
  assert.match(secrets, /^NAME\s+TYPE\s+DATA\s+AGE\n/);
  assert.match(secrets, /^creds\s+Opaque\s+2\s+\d+s$/m);
  assert.match(secrets, /^site-tls\s+kubernetes\.io\/tls\s+2\s+\d+s$/m);
  const cms = ok(await c.kubectl(["get", "cm", "-n", "shop"]), "get cm");
  assert.match(cms, /^NAME\s+DATA\s+AGE\nsettings\s+2\s+\d+s\n$/);
  assert.match(ok(await c.kubectl(["get", "secrets,cm", "-A", "-o", "wide"]), "-A"), /^shop\s+secret\/creds\s+Opaque/m);
});

test("kubectl describe secret shows keys and byte counts; describe cm shows the data", async () => {
  const creds = ok(await c.kubectl(["describe", "secret", "creds", "-n", "shop"]), "describe secret");
  assert.match(creds, /^Type:\s+Opaque$/m);
  assert.match(creds, new RegExp(`^password:\\s+${PASSWORD.length} bytes$`, "m"));
  assert.match(creds, /^username:\s+5 bytes$/m);
  const tls = ok(await c.kubectl(["describe", "secret", "site-tls", "-n", "shop"]), "describe tls");
  assert.match(tls, new RegExp(`^tls\\.key:\\s+${Buffer.byteLength(keyPem)} bytes$`, "m"));
  const cm = ok(await c.kubectl(["describe", "cm", "settings", "-n", "shop"]), "describe cm");
  assert.match(cm, /^mode:\n----\nfast$/m);
});

test("kubectl apply: stringData merged into data; a DNSRecord with spec.tls", async () => {
  const manifest = [
    "apiVersion: v1",
    "kind: Secret",
    "metadata: {name: applied, namespace: shop}",
    "stringData:",
    `  token: ${STRING_DATA}`,
    "---",
    "apiVersion: kdns.dev/v1",
    "kind: DNSRecord",
    "metadata: {name: site, namespace: shop}",
    "spec:",
    "  host: shop.example.test",
    "  paths: [{path: /, address: 127.0.0.1, port: 8080}]",
    "  tls: {secretName: site-tls}",
    "",
  ].join("\n");
  const file = await c.file("applied.yaml", manifest);
  assert.match(ok(await c.kubectl(["apply", "-f", file]), "apply"), /secret\/applied created/);
  assert.deepEqual(await secretData("applied"), { token: b64(STRING_DATA) });
  const wide = ok(await c.kubectl(["get", "dnsr", "site", "-n", "shop", "-o", "wide"]), "get dnsr -o wide");
  assert.match(wide, /^NAME\s+HOST\s+PATHS\s+AGE\s+BACKENDS\s+TLS\n/);
  assert.match(wide, /\s+site-tls$/m);
  const redirect = ok(
    await c.kubectl(["get", "dnsr", "site", "-n", "shop", "-o", "jsonpath={.spec.tls.httpRedirect}"]),
    "httpRedirect",
  );
  assert.equal(redirect, "true");
  const described = ok(
    await c.kdns(["describe", "dnsrecord", "site", "-n", "shop", "--server", c.server]),
    "kdns describe",
  );
  assert.match(described, /^TLS Secret:\s+site-tls$/m);
  assert.match(described, /^HTTP Redirect:\s+true$/m);
});

test("errors read as on a real cluster and never carry the value", async () => {
  const badB64 = await c.file(
    "bad-b64.yaml",
    `apiVersion: v1\nkind: Secret\nmetadata: {name: bad, namespace: shop}\ndata: {password: "${PASSWORD}!"}\n`,
  );
  assert.match(
    fails(await c.kubectl(["create", "-f", badB64]), "bad base64"),
    /^Error from server \(BadRequest\): error when creating ".*bad-b64\.yaml": Secret in version "v1" cannot be handled as a Secret: data\[password\]: illegal base64 data at input byte 4$/,
  );
  const noKey = await c.file(
    "no-key.yaml",
    `apiVersion: v1\nkind: Secret\nmetadata: {name: half, namespace: shop}\ntype: kubernetes.io/tls\nstringData: {tls.crt: "${PASSWORD}"}\n`,
  );
  assert.match(
    fails(await c.kubectl(["create", "-f", noKey]), "tls without key"),
    /^The Secret "half" is invalid: data\[tls\.key\]: Required value$/,
  );
  assert.match(
    fails(await c.kubectl(["patch", "secret", "site-tls", "-n", "shop", "-p", '{"type":"Opaque"}']), "retype"),
    /^The Secret "site-tls" is invalid: type: Invalid value: "Opaque": field is immutable$/,
  );
  const notJson = await fetch(`${c.server}/api/v1/namespaces/shop/secrets`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: `{"metadata":{"name":"x"},"stringData":{"password":${PASSWORD}}}`,
  });
  assert.equal(notJson.status, 400);
  shown.push(await notJson.text());
  const yamlWarning = await fetch(`${c.server}/api/v1/namespaces/shop/secrets`, {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: `%${PASSWORD}\n---\nmetadata: {name: y}\nstringData: {a: ${PASSWORD}}\nbroken: [\n`,
  });
  assert.equal(yamlWarning.status, 400);
  shown.push(await yamlWarning.text());
});

test("the kdns CLI: get secrets, get cm, describe secret", async () => {
  const server = ["--server", c.server];
  const secrets = ok(await c.kdns(["get", "secrets", "-n", "shop", ...server]), "kdns get secrets");
  assert.match(secrets, /^NAME\s+TYPE\s+DATA\s+AGE\n/);
  assert.match(secrets, /^creds\s+Opaque\s+2\s+\d+s$/m);
  assert.match(secrets, /^site-tls\s+kubernetes\.io\/tls\s+2\s+\d+s$/m);
  assert.match(ok(await c.kdns(["get", "cm", "-n", "shop", ...server]), "kdns get cm"), /^settings\s+2\s+\d+s$/m);
  const described = ok(await c.kdns(["describe", "secret", "creds", "-n", "shop", ...server]), "kdns describe");
  assert.match(described, new RegExp(`^password:\\s+${PASSWORD.length} bytes$`, "m"));
});

test("kubectl delete secret and cm", async () => {
  assert.equal(
    ok(await c.kubectl(["delete", "secret", "creds", "applied", "-n", "shop"]), "delete secrets"),
    'secret "creds" deleted\nsecret "applied" deleted\n',
  );
  assert.equal(
    ok(await c.kubectl(["delete", "cm", "settings", "-n", "shop"]), "delete cm"),
    'configmap "settings" deleted\n',
  );
  assert.equal(
    fails(await c.kubectl(["get", "secret", "creds", "-n", "shop"]), "gone"),
    'Error from server (NotFound): secrets "creds" not found',
  );
});

test("no secret value in kdns's log (trace level) or in any table, describe or error text", async () => {
  const keyBody = keyPem.split("\n").find((l) => l.length > 40 && !l.startsWith("-----")) ?? keyPem;
  const needles = [PASSWORD, b64(PASSWORD), STRING_DATA, b64(STRING_DATA), keyBody, b64(keyPem)];
  const log = c.output();
  assert.match(log, /"level":/, "kdns logged at trace level");
  for (const [where, text] of [
    ["the kdns up log", log],
    ["tables, describe, errors", shown.join("\n")],
  ] as const) {
    for (const needle of needles) assert.ok(!text.includes(needle), `${where} holds a secret value`);
  }
});
