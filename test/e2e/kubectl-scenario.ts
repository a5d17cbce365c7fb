/**
 * The kubectl workflow end to end, registered by kubectl-*.test.ts once per storage backend and
 * once per kubectl (the image's, Debian's 1.20): kubeconfig, discovery, get (tables, outputs,
 * selectors, watch), apply (client- and server-side), create, edit, patch (strategic, merge,
 * json), label, describe, explain, wait, delete, and the errors.
 */

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import { RESOURCES } from "../../src/api/resources.ts";
import { definitionsOf } from "../../src/api/schemas/index.ts";
import type { Definition, Schema } from "../../src/api/schemas/types.ts";
import { waitFor } from "../support/wait-for.ts";
import {
  type Cluster,
  fails,
  type Kubectl,
  ok,
  requireKubectl,
  SYSTEM_KUBECTL,
  startCluster,
} from "./kubectl-harness.ts";

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: shop, labels: {app: web}}
spec:
  containers: [{name: app, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: kdns.dev/v1
kind: DNSRecord
metadata: {name: site, namespace: shop}
spec:
  host: shop.example.test
  paths: [{path: /, service: web, port: 80}]
`;

/** Every field name in a kind's schema, at every depth. */
function fieldNames(root: string): Set<string> {
  const defs = definitionsOf(RESOURCES.map((r) => r.schema));
  const names = new Set<string>();
  const visit = (node: Schema | Definition | undefined, depth: number): void => {
    if (node === undefined || depth > 32) return;
    if (node.type === "ref") visit(defs[node.ref], depth + 1);
    else if (node.type === "array") visit(node.items, depth + 1);
    else if (node.type === "map") visit(node.values, depth + 1);
    else if (node.type === "object")
      for (const [name, field] of Object.entries(node.properties)) {
        names.add(name);
        visit(field, depth + 1);
      }
  };
  visit(defs[root], 0);
  return names;
}

/** Text with every run of white space made one space (kubectl wraps descriptions to its width). */
function flat(text: string): string {
  return text.replace(/\s+/g, " ");
}

/** Header words of the first line of a table. */
function header(out: string): string[] {
  return (out.split("\n")[0] ?? "").trim().split(/\s{2,}/);
}

/**
 * Registers the scenario against `kdns up <args>`, run with `kubectl` (the system's by default).
 * No token file: kubectl sends credentials only over TLS (clientcmd drops them for http://
 * servers), and the kdns API server speaks plain HTTP.
 */
export function kubectlScenario(
  args: () => Promise<{ args: string[]; cleanup?: () => Promise<void> }>,
  kubectl: Kubectl = SYSTEM_KUBECTL,
  more?: (cluster: () => Cluster) => void,
): void {
  let c: Cluster;
  let cleanup: (() => Promise<void>) | undefined;

  before(async () => {
    requireKubectl(kubectl);
    const setup = await args();
    cleanup = setup.cleanup;
    c = await startCluster(setup.args, kubectl);
  });
  after(async () => {
    await c?.stop();
    await cleanup?.();
  });

  test("kubeconfig: written by up, printed by kdns kubeconfig, used by kubectl; --server works too", async () => {
    const text = await readFile(c.kubeconfig, "utf8");
    assert.match(text, new RegExp(`server: ${c.server}`));
    assert.match(text, /current-context: kdns/);
    assert.equal(ok(await c.kdns(["kubeconfig", "--data-dir", `${c.dir}/data`]), "kdns kubeconfig"), text);
    assert.match(ok(await c.kubectl(["get", "ns"]), "get ns"), /^default\s+Active/m);
    const direct = await c.kubectl([
      "--kubeconfig",
      "/dev/null",
      "--server",
      c.server,
      "get",
      "ns",
      "kube-system",
      "-o",
      "name",
    ]);
    assert.equal(ok(direct, "--server").trim(), "namespace/kube-system");
  });

  test("discovery: api-resources lists every kind with short names", async () => {
    const out = ok(await c.kubectl(["api-resources"]), "api-resources");
    for (const row of [
      /^pods\s+po\s+v1\s+true\s+Pod$/m,
      /^services\s+svc\s+v1\s+true\s+Service$/m,
      /^endpoints\s+ep\s+v1\s+true\s+Endpoints$/m,
      /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m,
      /^endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice$/m,
      /^dnsrecords\s+dns,dnsr\s+kdns\.dev\/v1\s+true\s+DNSRecord$/m,
      /^secrets\s+v1\s+true\s+Secret$/m,
      /^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/m,
      /^events\s+ev\s+v1\s+true\s+Event$/m,
    ]) {
      assert.match(out, row);
    }
    assert.match(ok(await c.kubectl(["version", "-o", "json"]), "version"), /"gitVersion": "v1\.32\.0-kdns"/);
  });

  test("apply -f: created, unchanged, configured", async () => {
    const file = await c.file("shop.yaml", MANIFEST);
    const first = ok(await c.kubectl(["apply", "-f", file]), "apply");
    assert.match(
      first,
      /namespace\/shop created\nservice\/web created\npod\/web-1 created\ndnsrecord\.kdns\.dev\/site created/,
    );
    assert.match(
      ok(await c.kubectl(["apply", "-f", file]), "apply again"),
      /service\/web unchanged[\s\S]*dnsrecord\.kdns\.dev\/site unchanged/,
    );
    const changed = await c.file(
      "shop2.yaml",
      MANIFEST.replace(
        "ports: [{name: http, port: 80}]",
        "ports: [{name: http, port: 80}, {name: https, port: 443}]",
      ).replace(
        "paths: [{path: /, service: web, port: 80}]",
        "paths: [{path: /, service: web, port: 80}, {path: /api, service: web, port: 443}]",
      ),
    );
    const third = ok(await c.kubectl(["apply", "-f", changed]), "apply changed");
    assert.match(third, /service\/web configured/);
    assert.match(third, /dnsrecord\.kdns\.dev\/site configured/);
    assert.match(third, /namespace\/shop unchanged/);
  });

  test("get: server-side tables for every kind, -n, -A, -l, -o wide|yaml|json|name", async () => {
    const svc = ok(await c.kubectl(["get", "svc", "-n", "shop"]), "get svc");
    assert.deepEqual(header(svc), ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]);
    assert.match(svc, /^web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP,443\/TCP\s+\d+s$/m);
    const dns = ok(await c.kubectl(["get", "dnsrecords", "-n", "shop"]), "get dnsrecords");
    assert.deepEqual(header(dns), ["NAME", "HOST", "PATHS", "AGE"]);
    assert.match(dns, /^site\s+shop\.example\.test\s+\/,\/api\s+\d+s$/m);
    const all = ok(await c.kubectl(["get", "svc,pods,dnsr", "-A", "-o", "wide"]), "get -A -o wide");
    assert.match(all, /NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR/);
    assert.match(all, /^shop\s+service\/web\s+.*app=web$/m);
    assert.match(all, /NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    assert.match(
      all,
      /^shop\s+dnsrecord\.kdns\.dev\/site\s+shop\.example\.test\s+\/,\/api\s+\d+s\s+web:80,web:443\s+<none>$/m,
    );
    const others = ok(await c.kubectl(["get", "ep,endpointslices,ns,ev", "-n", "shop"]), "get other kinds");
    assert.match(others, /^NAME\s+ENDPOINTS\s+AGE\nendpoints\/web\s+<none>\s+\d+s$/m);
    assert.match(others, /^namespace\/shop\s+Active\s+\d+s$/m);
    assert.equal(
      ok(await c.kubectl(["get", "pods,svc", "-n", "shop", "-l", "app=web", "-o", "name"]), "-l -o name"),
      "pod/web-1\nservice/web\n",
    );
    assert.match(`${ok(await c.kubectl(["get", "svc", "-A", "-l", "app=nothing"]), "-l none")}`, /^$/);
    const one = JSON.parse(ok(await c.kubectl(["get", "svc", "web", "-n", "shop", "-o", "json"]), "-o json")) as {
      kind: string;
      spec: { ports: unknown[] };
    };
    assert.equal(one.kind, "Service");
    assert.equal(one.spec.ports.length, 2);
    assert.match(
      ok(await c.kubectl(["get", "dns", "site", "-n", "shop", "-o", "yaml"]), "-o yaml"),
      /^kind: DNSRecord$[\s\S]*host: shop\.example\.test/m,
    );
    const single = ok(await c.kubectl(["get", "pod", "web-1", "-n", "shop"]), "get one pod");
    assert.deepEqual(header(single), ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
  });

  test("get -w streams table rows for changes", async () => {
    const watch = c.spawnKubectl(["get", "svc", "-n", "shop", "-w"]);
    try {
      await waitFor(() => /^web\s+ClusterIP/m.test(watch.output()), {
        timeoutMs: 15_000,
        what: `initial rows, got: ${watch.output()}`,
      });
      ok(await c.kubectl(["label", "svc", "web", "-n", "shop", "watched=yes"]), "label during watch");
      ok(
        await c.kubectl(["create", "-f", "-"], {
          stdin:
            "apiVersion: v1\nkind: Service\nmetadata: {name: late, namespace: shop}\nspec: {ports: [{port: 8080}]}\n",
        }),
        "create during watch",
      );
      await waitFor(() => /^late\s+ClusterIP\s+\S+\s+<none>\s+8080\/TCP/m.test(watch.output()), {
        timeoutMs: 15_000,
        what: `watched row, got: ${watch.output()}`,
      });
      assert.equal(watch.output().match(/^NAME\s+TYPE/gm)?.length, 1, `one header: ${watch.output()}`);
    } finally {
      watch.child.kill("SIGTERM");
      await watch.exited;
    }
  });

  test("apply --server-side creates, then merges the applied fields", async () => {
    const v1 = await c.file(
      "ssa.yaml",
      "apiVersion: v1\nkind: Service\nmetadata: {name: ssa, namespace: shop, labels: {a: '1'}}\nspec:\n  ports: [{port: 53, protocol: UDP, name: dns}]\n",
    );
    assert.match(
      ok(await c.kubectl(["apply", "--server-side", "-f", v1]), "ssa create"),
      /service\/ssa serverside-applied/,
    );
    const v2 = await c.file(
      "ssa2.yaml",
      "apiVersion: v1\nkind: Service\nmetadata: {name: ssa, namespace: shop, labels: {b: '2'}}\nspec:\n  ports: [{port: 53, protocol: TCP, name: dns-tcp}]\n",
    );
    // Another field manager: its fields join the first one's (the same manager would drop what it stopped applying).
    ok(await c.kubectl(["apply", "--server-side", "--field-manager=other", "-f", v2]), "ssa merge");
    const got = JSON.parse(ok(await c.kubectl(["get", "svc", "ssa", "-n", "shop", "-o", "json"]), "get ssa")) as {
      metadata: { labels: Record<string, string> };
      spec: { ports: { protocol: string }[] };
    };
    assert.deepEqual(got.metadata.labels, { a: "1", b: "2" });
    assert.deepEqual(
      got.spec.ports.map((p) => p.protocol),
      ["UDP", "TCP"],
    );
  });

  test("patch (strategic, merge, json), label, edit, describe", async () => {
    assert.match(
      ok(
        await c.kubectl(["patch", "svc", "web", "-n", "shop", "-p", '{"spec":{"ports":[{"port":443,"name":"tls"}]}}']),
        "strategic",
      ),
      /service\/web patched/,
    );
    ok(
      await c.kubectl([
        "patch",
        "pod",
        "web-1",
        "-n",
        "shop",
        "-p",
        '{"spec":{"containers":[{"name":"app","image":"nginx:2"}]}}',
      ]),
      "strategic pod",
    );
    ok(
      await c.kubectl([
        "patch",
        "dnsr",
        "site",
        "-n",
        "shop",
        "--type",
        "merge",
        "-p",
        '{"spec":{"host":"new.example.test"}}',
      ]),
      "merge",
    );
    ok(
      await c.kubectl([
        "patch",
        "svc",
        "web",
        "-n",
        "shop",
        "--type",
        "json",
        "-p",
        '[{"op":"add","path":"/metadata/labels/j","value":"x"}]',
      ]),
      "json",
    );
    assert.match(
      ok(await c.kubectl(["label", "svc", "web", "-n", "shop", "tier=front"]), "label"),
      /service\/web labeled/,
    );
    const editor = await c.file("editor.sh", "#!/bin/sh\nsed -i 's/tier: front/tier: edited/' \"$1\"\n");
    assert.match(
      ok(await c.kubectl(["edit", "svc", "web", "-n", "shop"], { env: { KUBE_EDITOR: editor } }), "edit"),
      /service\/web edited/,
    );
    const svc = JSON.parse(ok(await c.kubectl(["get", "svc", "web", "-n", "shop", "-o", "json"]), "get")) as {
      metadata: { labels: Record<string, string> };
      spec: { ports: { port: number; name: string }[] };
    };
    assert.deepEqual(
      svc.spec.ports.map((p) => `${p.port}:${p.name}`),
      ["80:http", "443:tls"],
    );
    assert.deepEqual(svc.metadata.labels, { app: "web", j: "x", tier: "edited", watched: "yes" });
    const pod = ok(
      await c.kubectl([
        "get",
        "pod",
        "web-1",
        "-n",
        "shop",
        "-o",
        "jsonpath={.spec.containers[0].image} {.spec.containers[0].ports[0].containerPort}",
      ]),
      "pod",
    );
    assert.equal(pod, "nginx:2 80");
    assert.match(ok(await c.kubectl(["get", "dnsr", "site", "-n", "shop"]), "dnsr"), /new\.example\.test/);
    const described = ok(await c.kubectl(["describe", "svc", "web", "-n", "shop"]), "describe");
    assert.match(described, /^Name:\s+web$/m);
    assert.match(described, /^Labels:\s+app=web$/m);
    assert.match(described, /^Events:\s+<none>$/m);
    assert.match(
      ok(await c.kubectl(["describe", "pod", "web-1", "-n", "shop"]), "describe pod"),
      /^\s+Image:\s+nginx:2$/m,
    );
  });

  test("errors read as on a real cluster: NotFound, AlreadyExists, Invalid, Conflict", async () => {
    assert.equal(
      fails(await c.kubectl(["get", "svc", "nope", "-n", "shop"]), "get missing"),
      'Error from server (NotFound): services "nope" not found',
    );
    const dup = await c.file(
      "dup.yaml",
      "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {ports: [{port: 80}]}\n",
    );
    assert.equal(
      fails(await c.kubectl(["create", "-f", dup]), "create dup"),
      `Error from server (AlreadyExists): error when creating "${dup}": services "web" already exists`,
    );
    const bad = await c.file(
      "bad.yaml",
      "apiVersion: v1\nkind: Service\nmetadata: {name: bad, namespace: shop}\nspec: {ports: [{port: 0}]}\n",
    );
    assert.match(
      fails(await c.kubectl(["create", "-f", bad]), "invalid"),
      /^The Service "bad" is invalid: spec\.ports\[0\]\.port: Invalid value: 0: must be between 1 and 65535, inclusive$/,
    );
    const stale = await c.file(
      "stale.json",
      ok(await c.kubectl(["get", "svc", "web", "-n", "shop", "-o", "json"]), "get"),
    );
    ok(await c.kubectl(["label", "svc", "web", "-n", "shop", "bump=1"]), "bump");
    assert.match(
      fails(await c.kubectl(["replace", "-f", stale]), "stale replace"),
      /^Error from server \(Conflict\): error when replacing ".*stale\.json": Operation cannot be fulfilled on services "web": the object has been modified; please apply your changes to the latest version and try again$/,
    );
  });

  test("explain: kdns's descriptions for DNSRecord, every field of every kind", async () => {
    const paths = flat(ok(await c.kubectl(["explain", "dnsrecord.spec.paths"]), "explain dnsrecord.spec.paths"));
    assert.match(paths, /KIND: DNSRecord VERSION: (kdns\.dev\/)?v1 /);
    assert.match(paths, /The routes of the host, at least one; each path at most once\./);
    assert.match(paths, / port <integer> -required- The backend port \(1-65535\)/);
    for (const field of ["address", "path", "service"]) assert.match(paths, new RegExp(` ${field} <string> `));
    const ports = flat(ok(await c.kubectl(["explain", "service.spec.ports.targetPort"]), "explain targetPort"));
    assert.match(ports, /The port on the backends: a number, or the name of a container port/);
    for (const info of RESOURCES) {
      const name = info.resource;
      const apiVersion = info.group === "" ? info.version : `${info.group}/${info.version}`;
      const out = flat(
        ok(
          await c.kubectl(["explain", name, "--recursive", `--api-version=${apiVersion}`]),
          `explain ${name} --recursive`,
        ),
      );
      assert.match(out, new RegExp(`KIND: ${info.kind} `));
      const missing = [...fieldNames(info.schema.name)].filter((field) => !out.includes(` ${field} <`));
      assert.deepEqual(missing, [], `kubectl explain ${name} --recursive leaves out fields`);
    }
    assert.match(
      fails(await c.kubectl(["explain", "dnsrecord.spec.nosuchfield"]), "explain a missing field"),
      /nosuchfield/,
    );
  });

  more?.(() => c);

  test("delete by name and -f; wait --for=delete", async () => {
    // -v=6 logs each request; delete only once the wait watches, since kubectl 1.20's wait fails
    // with "no matching resources found" when the object is already gone at its first GET.
    const waiting = c.spawnKubectl(["wait", "--for=delete", "svc/late", "-n", "shop", "--timeout=20s", "-v=6"]);
    await waitFor(() => /GET \S+watch=true\S* 200 OK/.test(waiting.output()), {
      timeoutMs: 15_000,
      what: `kubectl wait to watch, it printed: ${waiting.output()}`,
    });
    assert.match(
      ok(await c.kubectl(["delete", "svc", "late", "ssa", "-n", "shop"]), "delete by name"),
      /service "late" deleted\nservice "ssa" deleted/,
    );
    const waited = await waiting.exited;
    assert.equal(waited.code, 0, waited.stderr);
    // Without the Namespace: kdns deletes a namespace's objects at once, not after kubectl's next delete.
    const file = await c.file(
      "shop-del.yaml",
      MANIFEST.replace(/^apiVersion: v1\nkind: Namespace\nmetadata: \{name: shop\}\n---$/m, ""),
    );
    const out = ok(await c.kubectl(["delete", "-f", file]), "delete -f");
    assert.equal(out, 'service "web" deleted\npod "web-1" deleted\ndnsrecord.kdns.dev "site" deleted\n');
    assert.equal(ok(await c.kubectl(["delete", "ns", "shop"]), "delete ns"), 'namespace "shop" deleted\n');
    assert.equal(
      fails(await c.kubectl(["get", "ns", "shop"]), "gone"),
      'Error from server (NotFound): namespaces "shop" not found',
    );
  });
}
