/**
 * Ingress with the real kubectl against `kdns up --gateway builtin`: `kubectl apply -f` of the
 * Kubernetes documentation's name-based virtual hosting and wildcard-host examples (with
 * selector-less Services whose Endpoints are echo servers here), `kubectl get ingress` and
 * `kubectl get ingressclass` as kubectl prints them, `dig` answering the hosts (the wildcard
 * one included) with the gateway address, and curl through the gateway. A hostile Ingress is a
 * 422 kubectl prints.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { dig, digUntilAnswered } from "../support/dig.ts";
import { freePort } from "../support/free-port.ts";
import { waitFor } from "../support/wait-for.ts";
import { type Echo, startEcho } from "./gateway-harness.ts";
import { type Cluster, ok, requireKubectl, startCluster } from "./kubectl-harness.ts";

let c: Cluster;
let gwPort: number;
let dnsPort: number;
const echos: Awaited<ReturnType<typeof startEcho>>[] = [];

/** `curl` through the gateway with `--resolve`; the echo it got. */
function curlEcho(host: string, path: string): Promise<{ status: string; echo?: Echo }> {
  return new Promise((resolve, reject) => {
    execFile(
      "curl",
      [
        "-s",
        "--noproxy",
        "*",
        "--max-time",
        "5",
        "-w",
        "\n%{http_code}",
        "--resolve",
        `${host}:${gwPort}:127.0.0.1`,
        `http://${host}:${gwPort}${path}`,
      ],
      (err, stdout) => {
        if (err && !stdout) return reject(new Error(`curl failed (apt-get install -y curl): ${err.message}`));
        const at = stdout.lastIndexOf("\n");
        const status = stdout.slice(at + 1);
        resolve(status === "200" ? { status, echo: JSON.parse(stdout.slice(0, at)) as Echo } : { status });
      },
    );
  });
}

/** A selector-less Service and its Endpoints, pointing at `port` on loopback. */
function serviceYaml(name: string, port: number): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  ports:
  - name: http
    port: 80
---
apiVersion: v1
kind: Endpoints
metadata:
  name: ${name}
subsets:
- addresses:
  - ip: 127.0.0.1
  ports:
  - name: http
    port: ${port}
`;
}

/** kubernetes.io/docs/concepts/services-networking/ingress: name-based virtual hosting. */
const VIRTUAL_HOSTS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: name-virtual-host-ingress
spec:
  rules:
  - host: foo.bar.com
    http:
      paths:
      - pathType: Prefix
        path: "/"
        backend:
          service:
            name: service1
            port:
              number: 80
  - host: bar.foo.com
    http:
      paths:
      - pathType: Prefix
        path: "/"
        backend:
          service:
            name: service2
            port:
              number: 80
`;

/** The same page: hostname wildcards. */
const WILDCARD = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ingress-wildcard-host
spec:
  rules:
  - host: "foo.bar.com"
    http:
      paths:
      - pathType: Prefix
        path: "/bar"
        backend:
          service:
            name: service1
            port:
              number: 80
  - host: "*.foo.com"
    http:
      paths:
      - pathType: Prefix
        path: "/foo"
        backend:
          service:
            name: service2
            port:
              number: 80
`;

before(async () => {
  requireKubectl();
  echos.push(await startEcho("one"), await startEcho("two"));
  gwPort = await freePort();
  dnsPort = await freePort();
  c = await startCluster([
    "--store",
    "memory",
    "--gateway",
    "builtin",
    "--gateway-listen",
    `127.0.0.1:${gwPort}`,
    "--dns-listen",
    `127.0.0.1:${dnsPort}`,
  ]);
});
after(async () => {
  await c?.stop();
  for (const e of echos) await e.close();
});

test("kubectl get ingressclass shows kdns's default class", async () => {
  const out = await waitFor(
    async () => {
      const r = await c.kubectl(["get", "ingressclass"]);
      return r.code === 0 && r.stdout.includes("kdns") ? r.stdout : undefined;
    },
    { what: "IngressClass kdns listed" },
  );
  assert.match(out, /^NAME\s+CONTROLLER\s+PARAMETERS\s+AGE$/m);
  assert.match(out, /^kdns\s+kdns\.dev\/gateway\s+<none>\s+\S+$/m);
});

test("kubectl apply -f of the upstream examples: served, listed, answered by DNS, reachable with curl", async () => {
  const services = await c.file(
    "services.yaml",
    `${serviceYaml("service1", echos[0]!.port)}---\n${serviceYaml("service2", echos[1]!.port)}`,
  );
  ok(await c.kubectl(["apply", "-f", services]), "apply services");
  ok(await c.kubectl(["apply", "-f", await c.file("virtual.yaml", VIRTUAL_HOSTS)]), "apply virtual hosts");
  const applied = ok(await c.kubectl(["apply", "-f", await c.file("wildcard.yaml", WILDCARD)]), "apply wildcard");
  assert.match(applied, /ingress\.networking\.k8s\.io\/ingress-wildcard-host created/);

  const table = await waitFor(
    async () => {
      const out = ok(await c.kubectl(["get", "ingress"]), "get ingress");
      return /name-virtual-host-ingress\s+<none>\s+\S+\s+127\.0\.0\.1\s/.test(out) ? out : undefined;
    },
    { what: "ADDRESS filled in" },
  );
  assert.match(table, /^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE$/m);
  assert.match(table, /^name-virtual-host-ingress\s+<none>\s+foo\.bar\.com,bar\.foo\.com\s+127\.0\.0\.1\s+80\s+\S+$/m);

  const a = await digUntilAnswered("127.0.0.1", dnsPort, ["foo.bar.com", "A"], { what: "foo.bar.com answered" });
  assert.equal(a.answer[0]?.data, "127.0.0.1");
  const wild = await digUntilAnswered("127.0.0.1", dnsPort, ["deep.name.foo.com", "A"], {
    what: "a name under *.foo.com answered",
  });
  assert.equal(wild.answer[0]?.data, "127.0.0.1");

  // foo.bar.com: /bar (longer, from the wildcard example) to service1, the rest to service1 too;
  // bar.foo.com: its exact rule wins over *.foo.com; x.foo.com: the wildcard's /foo.
  assert.deepEqual((await curlEcho("foo.bar.com", "/bar/x")).echo?.name, "one");
  assert.deepEqual((await curlEcho("bar.foo.com", "/foo")).echo?.name, "two");
  const viaWildcard = await curlEcho("x.foo.com", "/foo/page?q=1");
  assert.deepEqual([viaWildcard.echo?.name, viaWildcard.echo?.url], ["two", "/foo/page?q=1"]);
  assert.equal((await curlEcho("x.foo.com", "/other")).status, "404");
});

test("a rule without host is a catch-all: served for any host, and DNS answers no name for it", async () => {
  const catchAll = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: catch-all
spec:
  rules:
  - http:
      paths:
      - path: /anyhost
        pathType: Prefix
        backend:
          service:
            name: service1
            port:
              number: 80
`;
  ok(await c.kubectl(["apply", "-f", await c.file("catch-all.yaml", catchAll)]), "apply catch-all");
  await waitFor(async () => (await curlEcho("whatever.example.net", "/anyhost")).echo?.name === "one", {
    what: "the catch-all rule served for an arbitrary host",
  });
  const r = await dig("127.0.0.1", dnsPort, ["whatever.example.net", "A"]);
  assert.deepEqual(r.answer, [], `no DNS name stands for a catch-all rule: ${r.raw}`);
  ok(await c.kubectl(["delete", "ingress", "catch-all"]), "delete catch-all");
});

test("a hostile Ingress is refused with 422 and kubectl says which field", async () => {
  const bad = VIRTUAL_HOSTS.replace("name-virtual-host-ingress", "bad").replace(
    'path: "/"',
    'path: "/x;}location /y {alias /var/run/secrets/;}"',
  );
  const r = await c.kubectl(["apply", "-f", await c.file("bad.yaml", bad)]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /is invalid: spec\.rules\[0\]\.http\.paths\[0\]\.path: Invalid value/);
});
