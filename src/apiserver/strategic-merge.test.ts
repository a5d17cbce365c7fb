import assert from "node:assert/strict";
import { test } from "node:test";
import { resourceByPath } from "../api/resources.ts";
import { listMergeKeys } from "../api/schemas/merge-keys.ts";
import { strategicMerge } from "./strategic-merge.ts";

const mergeKeysFor = (resource: string) =>
  listMergeKeys(resourceByPath(resource === "endpointslices" ? "discovery.k8s.io" : "", resource)!.schema);

const svc = {
  metadata: { name: "web", labels: { app: "web", tier: "front" } },
  spec: {
    ports: [
      { name: "http", port: 80, protocol: "TCP" },
      { name: "dns", port: 53, protocol: "UDP" },
    ],
    selector: { app: "web" },
  },
};

test("service ports merge by port (+protocol); other fields as merge patch", () => {
  const out = strategicMerge(
    svc,
    {
      metadata: { labels: { tier: null, x: "1" } },
      spec: {
        ports: [
          { port: 80, targetPort: 8080 },
          { port: 53, protocol: "TCP", name: "dnstcp" },
        ],
      },
    },
    mergeKeysFor("services"),
  );
  assert.deepEqual(out, {
    metadata: { name: "web", labels: { app: "web", x: "1" } },
    spec: {
      ports: [
        { name: "http", port: 80, protocol: "TCP", targetPort: 8080 },
        { name: "dns", port: 53, protocol: "UDP" },
        { name: "dnstcp", port: 53, protocol: "TCP" },
      ],
      selector: { app: "web" },
    },
  });
});

test("$patch delete removes a list element, $setElementOrder reorders", () => {
  const out = strategicMerge(
    svc,
    {
      spec: {
        "$setElementOrder/ports": [{ port: 53 }, { port: 80 }],
        ports: [
          { port: 53, protocol: "UDP", $patch: "delete" },
          { port: 443, name: "https" },
        ],
      },
    },
    mergeKeysFor("services"),
  ) as typeof svc;
  assert.deepEqual(
    out.spec.ports.map((p) => p.port),
    [80, 443],
  );
  const reordered = strategicMerge(
    svc,
    { spec: { "$setElementOrder/ports": [{ port: 53 }, { port: 80 }] } },
    mergeKeysFor("services"),
  ) as typeof svc;
  assert.deepEqual(
    reordered.spec.ports.map((p) => p.port),
    [53, 80],
  );
});

test("pod containers by name, their ports by containerPort, conditions by type", () => {
  const pod = {
    spec: {
      containers: [
        { name: "a", image: "a:1", ports: [{ containerPort: 80 }] },
        { name: "b", image: "b:1" },
      ],
    },
    status: {
      conditions: [
        { type: "Ready", status: "False" },
        { type: "Scheduled", status: "True" },
      ],
    },
  };
  const out = strategicMerge(
    pod,
    {
      spec: {
        containers: [
          { name: "b", image: "b:2" },
          { name: "a", ports: [{ containerPort: 81 }] },
        ],
      },
      status: { conditions: [{ type: "Ready", status: "True" }] },
    },
    mergeKeysFor("pods"),
  );
  assert.deepEqual(out, {
    spec: {
      containers: [
        { name: "a", image: "a:1", ports: [{ containerPort: 80 }, { containerPort: 81 }] },
        { name: "b", image: "b:2" },
      ],
    },
    status: {
      conditions: [
        { type: "Ready", status: "True" },
        { type: "Scheduled", status: "True" },
      ],
    },
  });
});

test("lists without a merge key (endpoints subsets) are replaced; $patch replace replaces a keyed list", () => {
  const ep = { subsets: [{ addresses: [{ ip: "10.0.0.1" }] }, { addresses: [{ ip: "10.0.0.2" }] }] };
  assert.deepEqual(strategicMerge(ep, { subsets: [{ addresses: [{ ip: "10.0.0.3" }] }] }, mergeKeysFor("endpoints")), {
    subsets: [{ addresses: [{ ip: "10.0.0.3" }] }],
  });
  const out = strategicMerge(
    svc,
    { spec: { ports: [{ $patch: "replace" }, { port: 1 }] } },
    mergeKeysFor("services"),
  ) as typeof svc;
  assert.deepEqual(out.spec.ports, [{ port: 1 }]);
});

test("bad patches are 400s; inputs are not mutated", () => {
  const before = structuredClone(svc);
  assert.throws(() => strategicMerge(svc, [], mergeKeysFor("services")), /must be a JSON object/);
  assert.throws(
    () => strategicMerge(svc, { spec: { ports: [{ name: "x" }] } }, mergeKeysFor("services")),
    /no merge key "port"/,
  );
  strategicMerge(svc, { spec: { ports: [{ port: 80, name: "changed" }] } }, mergeKeysFor("services"));
  assert.deepEqual(svc, before);
});
