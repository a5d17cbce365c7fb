/**
 * The Gateway API kinds at both versions kdns serves them (v1 and v1beta1, as upstream's standard
 * CRDs), with the real kubectl against `kdns up` (built-in gateway): discovery and OpenAPI of both
 * versions, `kubectl apply -f` of v1beta1 manifests, reading an object written at one version at
 * the other, a watch at v1beta1, 404 for a version not served, and the gateway routing an
 * HTTPRoute written at v1beta1 to a backend granted by a v1beta1 ReferenceGrant.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { freePort } from "../support/free-port.ts";
import { gatewayArgs } from "../support/kdns-up.ts";
import { waitFor } from "../support/wait-for.ts";
import { type Echo, startEcho } from "./gateway-harness.ts";
import { type Cluster, fails, ok, requireKubectl, startCluster } from "./kubectl-harness.ts";

const run = promisify(execFile);
const GW = "gateway.networking.k8s.io";
let c: Cluster;
let gatewayPort: number;
let echo: Awaited<ReturnType<typeof startEcho>>;

/** Everything at v1beta1, as many manifests in the wild still are. */
const BETA = `
apiVersion: v1
kind: Namespace
metadata: {name: infra}
---
apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: ${GW}/v1beta1
kind: GatewayClass
metadata: {name: kdns}
spec: {controllerName: kdns.dev/gateway}
---
apiVersion: ${GW}/v1beta1
kind: Gateway
metadata: {name: web, namespace: infra}
spec:
  gatewayClassName: kdns
  listeners:
  - name: http
    protocol: HTTP
    port: 80
    allowedRoutes:
      namespaces: {from: All}
---
apiVersion: v1
kind: Service
metadata: {name: shared-svc, namespace: infra}
spec:
  ports: [{port: 8080}]
---
apiVersion: ${GW}/v1beta1
kind: HTTPRoute
metadata: {name: beta-route, namespace: apps}
spec:
  parentRefs: [{name: web, namespace: infra}]
  hostnames: [beta.example.com]
  rules:
  - backendRefs: [{name: shared-svc, namespace: infra, port: 8080}]
---
apiVersion: ${GW}/v1beta1
kind: ReferenceGrant
metadata: {name: apps-to-shared, namespace: infra}
spec:
  from: [{group: ${GW}, kind: HTTPRoute, namespace: apps}]
  to: [{group: "", kind: Service, name: shared-svc}]
`;

const V1_ROUTE = `apiVersion: ${GW}/v1
kind: HTTPRoute
metadata: {name: v1-route, namespace: apps}
spec:
  parentRefs: [{name: web, namespace: infra}]
  hostnames: [v1.example.com]
`;

before(async () => {
  requireKubectl();
  gatewayPort = await freePort();
  echo = await startEcho("shared-backend");
  c = await startCluster([...gatewayArgs(gatewayPort)]);
});

after(async () => {
  await c?.stop();
  await echo?.close();
});

async function raw(path: string): Promise<Record<string, any>> {
  return JSON.parse(ok(await c.kubectl(["get", "--raw", path]), `get --raw ${path}`)) as Record<string, any>;
}

test("discovery: both versions, v1 preferred; kubectl api-versions and api-resources; a version not served is a 404", async () => {
  const versions = ok(await c.kubectl(["api-versions"]), "api-versions").split("\n");
  assert.ok(versions.includes(`${GW}/v1`) && versions.includes(`${GW}/v1beta1`), versions.join(" "));
  const group = await raw(`/apis/${GW}`);
  assert.deepEqual(
    group["versions"].map((v: { version: string }) => v.version),
    ["v1", "v1beta1"],
  );
  assert.deepEqual(group["preferredVersion"], { groupVersion: `${GW}/v1`, version: "v1" });
  const inList = (await raw("/apis"))["groups"].find((g: { name: string }) => g.name === GW);
  assert.deepEqual(inList.versions, group["versions"]);
  const beta = await raw(`/apis/${GW}/v1beta1`);
  assert.equal(beta["groupVersion"], `${GW}/v1beta1`);
  assert.deepEqual(beta["resources"].map((r: { name: string }) => r.name).sort(), [
    "gatewayclasses",
    "gatewayclasses/status",
    "gateways",
    "gateways/status",
    "httproutes",
    "httproutes/status",
    "referencegrants",
  ]);
  const resources = ok(await c.kubectl(["api-resources", `--api-group=${GW}`]), "api-resources");
  // kubectl shows each resource at the group's preferred version.
  assert.match(resources, new RegExp(`\\nreferencegrants\\s+refgrant\\s+${GW}/v1\\s+true\\s+ReferenceGrant\\n`));
  assert.match(resources, new RegExp(`\\nhttproutes\\s+${GW}/v1\\s+true\\s+HTTPRoute\\n`));
  assert.match(fails(await c.kubectl(["get", "--raw", `/apis/${GW}/v1alpha2`]), "v1alpha2"), /NotFound/);
  const stderr = fails(await c.kubectl(["get", "--raw", `/apis/${GW}/v1alpha2/httproutes`]), "v1alpha2 routes");
  assert.match(stderr, /Error from server \(NotFound\)/);
});

test("kubectl explain reads each version's schema from OpenAPI", async () => {
  for (const version of ["v1", "v1beta1"]) {
    const out = ok(
      await c.kubectl(["explain", `--api-version=${GW}/${version}`, "httproute.spec.hostnames"]),
      `explain ${version}`,
    );
    assert.match(out, /GROUP:\s+gateway\.networking\.k8s\.io/);
    assert.match(out, new RegExp(`VERSION:\\s+${version}\\n`));
    assert.match(out, /FIELD: hostnames/);
  }
  const grant = ok(await c.kubectl(["explain", `--api-version=${GW}/v1beta1`, "referencegrant.spec"]), "grant");
  assert.match(grant, /\bfrom\b/);
  assert.match(grant, /\bto\b/);
});

test("kubectl apply -f of v1beta1 manifests; each object reads at both versions, stored once", async () => {
  ok(await c.kubectl(["apply", "-f", "-"], { stdin: BETA }), "apply v1beta1");
  const betaGrants = JSON.parse(
    ok(await c.kubectl(["get", `referencegrants.v1beta1.${GW}`, "-n", "infra", "-o", "json"]), "get grants v1beta1"),
  );
  assert.equal(betaGrants.apiVersion, "v1");
  assert.deepEqual(
    betaGrants.items.map((i: { apiVersion: string; metadata: { name: string } }) => [i.apiVersion, i.metadata.name]),
    [[`${GW}/v1beta1`, "apps-to-shared"]],
  );
  const v1Grant = await raw(`/apis/${GW}/v1/namespaces/infra/referencegrants/apps-to-shared`);
  const betaGrant = await raw(`/apis/${GW}/v1beta1/namespaces/infra/referencegrants/apps-to-shared`);
  assert.equal(v1Grant["apiVersion"], `${GW}/v1`);
  assert.deepEqual({ ...v1Grant, apiVersion: "" }, { ...betaGrant, apiVersion: "" }, "the same stored object");
  // A v1beta1-written route read at v1 and a v1-written route read at v1beta1.
  assert.equal((await raw(`/apis/${GW}/v1/namespaces/apps/httproutes/beta-route`))["apiVersion"], `${GW}/v1`);
  ok(await c.kubectl(["apply", "-f", "-"], { stdin: V1_ROUTE }), "apply v1 route");
  const asBeta = await raw(`/apis/${GW}/v1beta1/namespaces/apps/httproutes/v1-route`);
  assert.equal(asBeta["apiVersion"], `${GW}/v1beta1`);
  assert.deepEqual(asBeta["spec"]["hostnames"], ["v1.example.com"]);
  const list = await raw(`/apis/${GW}/v1beta1/httproutes`);
  assert.equal(list["apiVersion"], `${GW}/v1beta1`);
  assert.equal(list["kind"], "HTTPRouteList");
  assert.deepEqual(
    list["items"].map((i: { apiVersion: string }) => i.apiVersion),
    [`${GW}/v1beta1`, `${GW}/v1beta1`],
  );
  // Applying the same manifest again changes nothing: kubectl reads the objects back at v1beta1.
  // (The route's patch re-sends its rules, which the defaults filled in again: the same spec.)
  const spec = async () => (await raw(`/apis/${GW}/v1/namespaces/apps/httproutes/beta-route`))["spec"];
  const before = await spec();
  const again = ok(await c.kubectl(["apply", "-f", "-"], { stdin: BETA }), "re-apply");
  assert.match(again, /gateway\.gateway\.networking\.k8s\.io\/web unchanged/);
  assert.match(again, /referencegrant\.gateway\.networking\.k8s\.io\/apps-to-shared unchanged/);
  assert.deepEqual(await spec(), before);
  // A plain write's manager is recorded at the version it wrote at too, not the storage version.
  const written = (await raw(`/apis/${GW}/v1/namespaces/apps/httproutes/beta-route`))["metadata"]["managedFields"];
  type Entry = { manager: string; operation: string; apiVersion: string; subresource?: string };
  assert.deepEqual(
    written.filter((m: Entry) => m.subresource === undefined).map((m: Entry) => [m.manager, m.operation, m.apiVersion]),
    [["kubectl-client-side-apply", "Update", `${GW}/v1beta1`]],
    JSON.stringify(written),
  );
  // Server-side apply at v1beta1 records that version for its manager. It takes the route's
  // atomic lists over from kubectl-client-side-apply: the manifest leaves out what defaulting put
  // into them, so they differ from the live lists and conflict without --force-conflicts.
  ok(
    await c.kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=beta-ssa", "-f", "-"], {
      stdin: BETA,
    }),
    "ssa",
  );
  const managed = (await raw(`/apis/${GW}/v1/namespaces/apps/httproutes/beta-route`))["metadata"]["managedFields"];
  assert.ok(
    managed.some(
      (m: { manager: string; apiVersion: string }) => m.manager === "beta-ssa" && m.apiVersion === `${GW}/v1beta1`,
    ),
    JSON.stringify(managed),
  );
  // A PUT at v1 of the ReferenceGrant stored at v1beta1: stored once more at v1beta1.
  const replaced = BETA.split("---")
    .at(-1)!
    .replace(`${GW}/v1beta1`, `${GW}/v1`)
    .replace("name: shared-svc", "name: other");
  ok(await c.kubectl(["replace", "-f", "-"], { stdin: replaced }), "replace grant at v1");
  const afterPut = await raw(`/apis/${GW}/v1beta1/namespaces/infra/referencegrants/apps-to-shared`);
  assert.equal(afterPut["apiVersion"], `${GW}/v1beta1`);
  assert.equal(afterPut["spec"]["to"][0]["name"], "other");
  ok(await c.kubectl(["apply", "-f", "-"], { stdin: BETA }), "grant back");
  // A v1beta1 body on a v1 path is refused, as kube-apiserver refuses a version mismatch.
  const mismatch = await c.kubectl(["create", "--raw", `/apis/${GW}/v1/namespaces/apps/httproutes`, "-f", "-"], {
    stdin: JSON.stringify({ apiVersion: `${GW}/v1beta1`, kind: "HTTPRoute", metadata: { name: "x" }, spec: {} }),
  });
  assert.match(fails(mismatch, "mismatched apiVersion"), /does not match the expected API version/);
  // Validation holds at v1beta1 too.
  const bad = await c.kubectl(["apply", "-f", "-"], {
    stdin: `apiVersion: ${GW}/v1beta1\nkind: HTTPRoute\nmetadata: {name: bad, namespace: apps}\nspec:\n  hostnames: ["a.com;}"]\n`,
  });
  assert.match(fails(bad, "hostile hostname"), /spec\.hostnames\[0\]: Invalid value/);
});

test("the gateway routes the v1beta1 HTTPRoute to the backend its v1beta1 ReferenceGrant permits", async () => {
  ok(await c.kubectl(["wait", "--for=condition=Programmed", "gateway/web", "-n", "infra", "--timeout=30s"]), "wait");
  const endpoints = `apiVersion: v1
kind: Endpoints
metadata: {name: shared-svc, namespace: infra}
subsets:
- addresses: [{ip: 127.0.0.1}]
  ports: [{port: ${echo.port}}]
`;
  ok(await c.kubectl(["apply", "-f", "-"], { stdin: endpoints }), "apply endpoints");
  const served = await waitFor(
    async () => {
      const { stdout } = await run("curl", [
        "-sS",
        "--max-time",
        "5",
        "-H",
        "Host: beta.example.com",
        "-w",
        "\\n%{http_code}",
        `http://127.0.0.1:${gatewayPort}/hello`,
      ]);
      const cut = stdout.lastIndexOf("\n");
      return stdout.slice(cut + 1) === "200" ? (JSON.parse(stdout.slice(0, cut)) as Echo) : undefined;
    },
    { what: "beta.example.com served", timeoutMs: 20_000, intervalMs: 200 },
  );
  assert.deepEqual([served.name, served.url], ["shared-backend", "/hello"]);
  const route = JSON.parse(
    ok(await c.kubectl(["get", `httproutes.v1beta1.${GW}`, "beta-route", "-n", "apps", "-o", "json"]), "route"),
  );
  assert.equal(route.apiVersion, `${GW}/v1beta1`);
  const conditions = route.status.parents[0].conditions.map(
    (x: { type: string; status: string }) => `${x.type}=${x.status}`,
  );
  assert.deepEqual(conditions, ["Accepted=True", "ResolvedRefs=True"]);
});

test("a watch at v1beta1 sends v1beta1 objects, whatever version they were written at", async () => {
  const watch = c.spawnKubectl(["get", "--raw", `/apis/${GW}/v1beta1/namespaces/apps/httproutes?watch=true`]);
  try {
    const events = (): { type: string; object: { apiVersion: string; metadata: { name: string } } }[] =>
      watch
        .output()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l));
    await waitFor(() => events().some((e) => e.object.metadata.name === "v1-route") || undefined, {
      what: "the initial events",
      timeoutMs: 20_000,
    });
    ok(await c.kubectl(["apply", "-f", "-"], { stdin: V1_ROUTE.replaceAll("v1-route", "v1-later") }), "apply later");
    await waitFor(() => events().some((e) => e.object.metadata.name === "v1-later") || undefined, {
      what: "the event of the route written at v1",
      timeoutMs: 20_000,
    });
    assert.deepEqual([...new Set(events().map((e) => e.object.apiVersion))], [`${GW}/v1beta1`]);
  } finally {
    watch.child.kill();
    await watch.exited;
  }
});
