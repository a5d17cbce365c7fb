import assert from "node:assert/strict";
import { test } from "node:test";
import { SERVED_RESOURCES } from "../../api/resources.ts";
import { apiDefinitions, apiPaths } from "./model.ts";
import { refsIn } from "./schema-json.ts";
import { openApiV2Document } from "./v2.ts";
import { encodeOpenApiV2, openApiV2Types } from "./v2-protobuf.ts";
import { groupVersionPaths, openApiV3Document } from "./v3.ts";

type Json = Record<string, any>;

const v2 = openApiV2Document() as Json;
const v3 = Object.fromEntries(groupVersionPaths().map((gv) => [gv, openApiV3Document(gv) as Json]));

/** A v3 schema written back in v2's shape: refs to #/definitions, allOf-wrapped refs unwrapped. */
function asV2(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(asV2);
  if (json === null || typeof json !== "object") return json;
  const o = json as Json;
  if (
    Array.isArray(o["allOf"]) &&
    o["allOf"].length === 1 &&
    Object.keys(o).every((k) => k === "allOf" || k === "description")
  )
    return {
      ...(asV2(o["allOf"][0]) as Json),
      ...(o["description"] !== undefined ? { description: o["description"] } : {}),
    };
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [
      k,
      k === "$ref" ? String(v).replace("#/components/schemas/", "#/definitions/") : asV2(v),
    ]),
  );
}

test("every kind and its list, at every served version, is in /openapi/v2 and in its group version's /openapi/v3, with its group-version-kind", () => {
  for (const info of SERVED_RESOURCES) {
    const gv = info.group === "" ? `api/${info.version}` : `apis/${info.group}/${info.version}`;
    for (const [name, kind] of [
      [info.schema.name, info.kind],
      [`${info.schema.name}List`, `${info.kind}List`],
    ] as const) {
      const gvk = [{ group: info.group, version: info.version, kind }];
      assert.deepEqual(v2["definitions"][name]?.["x-kubernetes-group-version-kind"], gvk, `v2 ${name}`);
      assert.deepEqual(v3[gv]?.["components"].schemas[name]?.["x-kubernetes-group-version-kind"], gvk, `v3 ${name}`);
    }
  }
});

test("v2 and v3 say the same thing: the same schemas and the same operations", () => {
  const v3Paths: Json = {};
  for (const doc of Object.values(v3)) {
    for (const [name, schema] of Object.entries(doc["components"].schemas as Json))
      assert.deepEqual(asV2(schema), v2["definitions"][name], `schema ${name}`);
    Object.assign(v3Paths, doc["paths"]);
  }
  assert.deepEqual(Object.keys(v3Paths).sort(), Object.keys(v2["paths"]).sort());
  for (const [path, item] of Object.entries(v2["paths"] as Json)) {
    for (const method of ["get", "put", "post", "patch", "delete"]) {
      const a = item[method];
      const b = v3Paths[path][method];
      assert.equal(a?.operationId, b?.operationId, `${method} ${path}`);
      if (!a) continue;
      assert.deepEqual(a["x-kubernetes-group-version-kind"], b["x-kubernetes-group-version-kind"]);
      assert.deepEqual(
        (a.parameters ?? []).filter((p: Json) => p.in !== "body").map((p: Json) => p.name),
        (b.parameters ?? []).map((p: Json) => p.name),
      );
    }
  }
});

test("every reference resolves, in v2 and in each v3 document", () => {
  for (const ref of refsIn(v2)) assert.ok(v2["definitions"][ref], `v2 refers to ${ref}`);
  for (const [gv, doc] of Object.entries(v3))
    for (const ref of refsIn(doc)) assert.ok(doc["components"].schemas[ref], `${gv} refers to ${ref}`);
  assert.equal(apiPaths().length, Object.keys(v2["paths"]).length);
  assert.equal(Object.keys(apiDefinitions()).length, Object.keys(v2["definitions"]).length);
});

test("the strategic merge extensions kubectl reads are on the lists", () => {
  const ports = v2["definitions"]["io.k8s.api.core.v1.ServiceSpec"].properties.ports;
  assert.equal(ports["x-kubernetes-patch-strategy"], "merge");
  assert.equal(ports["x-kubernetes-patch-merge-key"], "port");
  assert.deepEqual(ports["x-kubernetes-list-map-keys"], ["port", "protocol"]);
  const paths = v3["apis/kdns.dev/v1"]!["components"].schemas["dev.kdns.v1.DNSRecordSpec"].properties.paths;
  assert.equal(paths["x-kubernetes-patch-merge-key"], "path");
  const containers = v2["definitions"]["io.k8s.api.core.v1.PodSpec"].properties.containers;
  assert.equal(containers["x-kubernetes-patch-merge-key"], "name");
  const metadata = v3["api/v1"]!["components"].schemas["io.k8s.api.core.v1.Service"].properties.metadata;
  assert.deepEqual(metadata.allOf, [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }]);
});

test("v3 advertises fieldValidation on each kind's PATCH, as kubectl checks before relying on server-side validation", () => {
  for (const info of SERVED_RESOURCES) {
    const gv = info.group === "" ? `api/${info.version}` : `apis/${info.group}/${info.version}`;
    const patches = Object.values(v3[gv]!["paths"] as Json)
      .map((item) => item.patch)
      .filter((p) => p?.["x-kubernetes-group-version-kind"]?.kind === info.kind);
    assert.ok(patches.length > 0, info.kind);
    for (const p of patches) assert.ok(p.parameters.some((x: Json) => x.name === "fieldValidation"));
  }
  assert.equal(openApiV3Document("apis/nope/v1"), undefined);
});

/** A decoded openapi.v2 Schema message back in JSON form. */
function schemaFrom(m: Json): Json {
  const out: Json = {};
  if (m["_ref"]) out["$ref"] = m["_ref"];
  for (const k of ["format", "title", "description"]) if (m[k]) out[k] = m[k];
  if (m["default"]) out["default"] = JSON.parse(m["default"].yaml);
  if (m["unique_items"]) out["uniqueItems"] = true;
  if (m["required"]?.length) out["required"] = m["required"];
  if (m["enum"]?.length) out["enum"] = m["enum"].map((a: Json) => JSON.parse(a["yaml"]));
  if (m["additional_properties"]) out["additionalProperties"] = schemaFrom(m["additional_properties"].schema);
  if (m["type"]) out["type"] = m["type"].value[0];
  if (m["items"]) out["items"] = schemaFrom(m["items"].schema[0]);
  if (m["all_of"]?.length) out["allOf"] = m["all_of"].map(schemaFrom);
  if (m["properties"])
    out["properties"] = Object.fromEntries(
      m["properties"].additional_properties.map((p: Json) => [p["name"], schemaFrom(p["value"])]),
    );
  for (const e of m["vendor_extension"] ?? []) out[e.name] = JSON.parse(e.value.yaml);
  return out;
}

test("the protobuf form decodes (with protobufjs) back to the JSON document's definitions and paths", () => {
  const Document = openApiV2Types().lookupType("openapi.v2.Document");
  const decoded = Document.toObject(Document.decode(encodeOpenApiV2(v2)), { defaults: false }) as Json;
  assert.equal(decoded["swagger"], "2.0");
  assert.equal(decoded["info"].title, "Kubernetes");
  const definitions = Object.fromEntries(
    decoded["definitions"].additional_properties.map((d: Json) => [d["name"], schemaFrom(d["value"])]),
  );
  assert.deepEqual(definitions, v2["definitions"]);
  const paths = decoded["paths"].path as Json[];
  assert.deepEqual(
    paths.map((p) => p["name"]),
    Object.keys(v2["paths"]),
  );
  const patch = paths.find((p) => p["name"] === "/api/v1/namespaces/{namespace}/services/{name}")!["value"].patch;
  assert.equal(patch.operation_id, "patchCoreV1NamespacedService");
  assert.deepEqual(
    patch.vendor_extension.map((e: Json) => [e.name, JSON.parse(e.value.yaml)]),
    [
      ["x-kubernetes-action", "patch"],
      ["x-kubernetes-group-version-kind", { group: "", version: "v1", kind: "Service" }],
    ],
  );
  const params = patch.parameters.map((p: Json) => p.parameter);
  assert.equal(params[0].body_parameter.schema._ref, "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
  assert.ok(params.some((p: Json) => p.non_body_parameter?.query_parameter_sub_schema?.name === "dryRun"));
  assert.deepEqual(decoded["security_definitions"].additional_properties[0].value.api_key_security, {
    type: "apiKey",
    name: "authorization",
    in: "header",
    description: "Bearer token",
  });
});

test("each Gateway API version has its own schemas and operation ids, as upstream's CRDs publish them", () => {
  const beta = v3["apis/gateway.networking.k8s.io/v1beta1"]!;
  const route = beta["components"].schemas["io.k8s.networking.gateway.v1beta1.HTTPRoute"];
  assert.deepEqual(route["x-kubernetes-group-version-kind"], [
    { group: "gateway.networking.k8s.io", version: "v1beta1", kind: "HTTPRoute" },
  ]);
  assert.deepEqual(route.properties.spec.allOf, [
    { $ref: "#/components/schemas/io.k8s.networking.gateway.v1beta1.HTTPRouteSpec" },
  ]);
  const list = beta["paths"]["/apis/gateway.networking.k8s.io/v1beta1/namespaces/{namespace}/httproutes"];
  assert.equal(list.get.operationId, "listGatewayNetworkingV1beta1NamespacedHTTPRoute");
  assert.ok(v2["definitions"]["io.k8s.networking.gateway.v1.ReferenceGrant"]);
  assert.ok(v2["definitions"]["io.k8s.networking.gateway.v1beta1.ReferenceGrant"]);
  assert.equal(openApiV3Document("apis/gateway.networking.k8s.io/v1alpha2"), undefined);
});
