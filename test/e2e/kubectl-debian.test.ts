/**
 * The same kubectl workflow as kubectl-memory.test.ts, with Debian 12's kubectl 1.20 (the
 * kubernetes-client package): it reads /openapi/v2 as protobuf before apply, validates manifests
 * against it and explains from it, where newer kubectl reads /openapi/v3.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEBIAN_KUBECTL } from "./kubectl-harness.ts";
import { kubectlScenario } from "./kubectl-scenario.ts";

kubectlScenario(
  async () => ({ args: ["--store", "memory"] }),
  DEBIAN_KUBECTL,
  (cluster) => {
    test("kubectl 1.20 validates manifests against /openapi/v2: an unknown field is refused by name", async () => {
      const c = cluster();
      const file = await c.file(
        "typo.yaml",
        "apiVersion: kdns.dev/v1\nkind: DNSRecord\nmetadata: {name: typo, namespace: default}\nspec:\n  host: typo.example.test\n  paths: [{path: /, servce: web, port: 80}]\n",
      );
      const r = await c.kubectl(["apply", "-f", file]);
      assert.notEqual(r.code, 0, r.stdout);
      assert.match(
        r.stderr,
        /error validating data: ValidationError\(DNSRecord\.spec\.paths\[0\]\): unknown field "servce" in dev\.kdns\.v1\.DNSRecordPath/,
      );
      const version = await c.kubectl(["version", "--client", "--short"]);
      assert.match(version.stdout, /^Client Version: v1\.20\./);
    });

    test("kubectl 1.20 validates a v1beta1 manifest against that version's schema, then applies it", async () => {
      const c = cluster();
      const route = (spec: string) =>
        `apiVersion: gateway.networking.k8s.io/v1beta1\nkind: HTTPRoute\nmetadata: {name: beta, namespace: default}\nspec:\n${spec}`;
      const typo = await c.kubectl(["apply", "-f", await c.file("beta-typo.yaml", route("  hostname: [a.example]\n"))]);
      assert.notEqual(typo.code, 0, typo.stdout);
      assert.match(
        typo.stderr,
        /ValidationError\(HTTPRoute\.spec\): unknown field "hostname" in io\.k8s\.networking\.gateway\.v1beta1\.HTTPRouteSpec/,
      );
      const good = await c.kubectl(["apply", "-f", await c.file("beta.yaml", route("  hostnames: [a.example]\n"))]);
      assert.match(good.stdout, /httproute\.gateway\.networking\.k8s\.io\/beta created/, good.stderr);
    });
  },
);
