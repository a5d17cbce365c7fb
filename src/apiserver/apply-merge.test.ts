import assert from "node:assert/strict";
import { test } from "node:test";
import { resourceByPath } from "../api/resources.ts";
import { listTypes } from "../api/schemas/merge-keys.ts";
import { applyMerge } from "./apply-merge.ts";

const SERVICE = listTypes(resourceByPath("", "services")!.schema);

test("map lists merge element by element on their keys (defaults filled), sets by member, atomic lists are replaced", () => {
  const live = {
    metadata: { finalizers: ["a"], labels: { x: "1", y: "2" } },
    spec: {
      ports: [
        { port: 53, protocol: "UDP", name: "dns" },
        { port: 80, protocol: "TCP", name: "http", targetPort: 8080 },
      ],
      externalIPs: ["192.0.2.1", "192.0.2.2"],
    },
  };
  const config = {
    metadata: { finalizers: ["b", "a"], labels: { y: null } },
    spec: { ports: [{ port: 80, name: "web" }, { port: 443 }], externalIPs: ["192.0.2.9"] },
  };
  assert.deepEqual(applyMerge(live, config, SERVICE), {
    metadata: { finalizers: ["a", "b"], labels: { x: "1" } },
    spec: {
      ports: [
        { port: 53, protocol: "UDP", name: "dns" },
        { port: 80, protocol: "TCP", name: "web", targetPort: 8080 },
        { port: 443 },
      ],
      externalIPs: ["192.0.2.9"],
    },
  });
  assert.deepEqual(live.spec.externalIPs, ["192.0.2.1", "192.0.2.2"], "the live object is not changed");
});
