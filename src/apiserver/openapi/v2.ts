/**
 * OpenAPI v2 (`/openapi/v2`): every path and definition in one Swagger 2.0 document, written from
 * the same model (model.ts) as /openapi/v3. kubectl before 1.27 reads it (as protobuf) to
 * validate manifests and to compute strategic merge patches, as do Helm 3 and kustomize.
 */
import { KUBE_VERSION } from "../health.ts";
import { type ApiPath, apiDefinitions, apiPaths, type Operation, type Param } from "./model.ts";
import { definitionJson, refTo } from "./schema-json.ts";

type Json = Record<string, unknown>;

function param(p: Param): Json {
  return {
    name: p.name,
    in: p.in,
    description: p.description,
    ...(p.required ? { required: true } : {}),
    type: p.type,
    uniqueItems: true,
  };
}

function operation(op: Operation, tag: string): Json {
  const body = op.body
    ? [
        {
          name: "body",
          in: "body",
          ...(op.method !== "delete" ? { required: true } : {}),
          schema: { $ref: refTo(op.body, "v2") },
        },
      ]
    : [];
  const params = [...body, ...op.params.map(param)];
  return {
    tags: [tag],
    description: op.description,
    consumes: op.consumes,
    produces: op.produces,
    schemes: ["https"],
    operationId: op.operationId,
    ...(params.length > 0 ? { parameters: params } : {}),
    responses: Object.fromEntries(
      Object.entries(op.responses).map(([code, r]) => [
        code,
        { description: r.description, ...(r.schema ? { schema: { $ref: refTo(r.schema, "v2") } } : {}) },
      ]),
    ),
    "x-kubernetes-action": op.action,
    "x-kubernetes-group-version-kind": op.gvk,
  };
}

/** `core_v1`, `kdns.dev_v1`: the tag kube-apiserver files a group version's operations under. */
function tagOf(p: ApiPath): string {
  const parts = p.groupVersion.split("/");
  return parts[0] === "api" ? `core_${parts[1]}` : `${parts[1]}_${parts[2]}`;
}

function pathItem(p: ApiPath): Json {
  return {
    ...Object.fromEntries(p.operations.map((op) => [op.method, operation(op, tagOf(p))])),
    parameters: p.params.map(param),
  };
}

/** The whole `/openapi/v2` document. */
export function openApiV2Document(): Json {
  const defs = apiDefinitions();
  return {
    swagger: "2.0",
    info: { title: "Kubernetes", version: KUBE_VERSION.gitVersion },
    paths: Object.fromEntries(apiPaths().map((p) => [p.path, pathItem(p)])),
    definitions: Object.fromEntries(
      Object.keys(defs)
        .sort()
        .map((name) => [name, definitionJson(defs[name]!, "v2")]),
    ),
    securityDefinitions: {
      BearerToken: { type: "apiKey", name: "authorization", in: "header", description: "Bearer token" },
    },
    security: [{ BearerToken: [] }],
  };
}
