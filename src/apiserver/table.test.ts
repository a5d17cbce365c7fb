import assert from "node:assert/strict";
import { test } from "node:test";
import { resourceByPath } from "../api/resources.ts";
import { acceptedTableVersion, toTable } from "./table.ts";

test("Table is chosen only for meta.k8s.io Table media types", () => {
  assert.equal(acceptedTableVersion("application/json;as=Table;v=v1;g=meta.k8s.io,application/json"), "v1");
  assert.equal(acceptedTableVersion("application/json;as=Table;v=v1beta1;g=meta.k8s.io"), "v1beta1");
  assert.equal(acceptedTableVersion("application/json"), undefined);
  assert.equal(acceptedTableVersion(undefined), undefined);
});

test("service table: kubectl's columns, wide ones at priority 1, metadata per row", () => {
  const svc = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "shop", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: {
      type: "ClusterIP",
      clusterIP: "10.96.0.5",
      ports: [{ port: 80, protocol: "TCP" }],
      selector: { app: "web" },
    },
  };
  const table = toTable(resourceByPath("", "services")!, [svc], {
    version: "v1",
    include: "Metadata",
    now: Date.parse("2024-01-01T00:00:30Z"),
  }) as any;
  assert.deepEqual(
    table.columnDefinitions.map((c: any) => `${c.name}:${c.priority}`),
    ["NAME:0", "TYPE:0", "CLUSTER-IP:0", "EXTERNAL-IP:0", "PORT(S):0", "AGE:0", "SELECTOR:1"],
  );
  assert.deepEqual(table.rows[0].cells, ["web", "ClusterIP", "10.96.0.5", "<none>", "80/TCP", "30s", "app=web"]);
  assert.equal(table.rows[0].object.metadata.namespace, "shop");
  const noHeaders = toTable(resourceByPath("", "services")!, [svc], {
    version: "v1",
    include: "None",
    noHeaders: true,
  }) as any;
  assert.deepEqual([noHeaders.columnDefinitions, "object" in noHeaders.rows[0]], [[], false]);
});

test("secret table: counts, never values; row metadata without the last-applied manifest", () => {
  const value = Buffer.from("hunter2-TOP-SECRET").toString("base64");
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "creds",
      namespace: "shop",
      labels: { app: "web" },
      annotations: {
        note: "kept",
        "kubectl.kubernetes.io/last-applied-configuration": `{"data":{"password":"${value}"}}`,
      },
    },
    type: "Opaque",
    data: { password: value },
  };
  const info = resourceByPath("", "secrets")!;
  const table = toTable(info, [secret], { version: "v1", include: "Metadata" }) as any;
  assert.deepEqual(table.rows[0].cells.slice(0, 3), ["creds", "Opaque", "1"]);
  assert.doesNotMatch(JSON.stringify(table), new RegExp(value));
  assert.deepEqual(table.rows[0].object.metadata.annotations, { note: "kept" });
  assert.deepEqual(table.rows[0].object.metadata.labels, { app: "web" });
  assert.equal(secret.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"].length > 0, true);
  const asked = toTable(info, [secret], { version: "v1", include: "Object" }) as any;
  assert.equal(asked.rows[0].object, secret, "includeObject=Object sends the object, as a GET would");
});
