/**
 * OpenAPI v3 (`/openapi/v3/api/v1`, `/openapi/v3/apis/{group}/{version}`): one document per group
 * version with its paths and the schemas they reach, written from the one model (model.ts) /openapi/v2
 * is written from. kubectl reads it for `kubectl explain`, to compute client-side apply patches,
 * and to learn that the server validates fields itself (`fieldValidation` on each PATCH).
 */
import { KUBE_VERSION } from "../health.ts";
import { type ApiPath, apiDefinitions, apiPaths, type Operation, type Param } from "./model.ts";
import { definitionJson, refsIn, refTo } from "./schema-json.ts";

type Json = Record<string, unknown>;

function param(p: Param): Json {
  return {
    name: p.name,
    in: p.in,
    description: p.description,
    ...(p.required ? { required: true } : {}),
    schema: { type: p.type, uniqueItems: true },
  };
}

function content(types: readonly string[], schema: string): Json {
  return Object.fromEntries(types.map((t) => [t, { schema: { $ref: refTo(schema, "v3") } }]));
}

function operation(op: Operation): Json {
  const responses = Object.fromEntries(
    Object.entries(op.responses).map(([code, r]) => [
      code,
      { description: r.description, ...(r.schema ? { content: content(op.produces, r.schema) } : {}) },
    ]),
  );
  return {
    description: op.description,
    operationId: op.operationId,
    ...(op.params.length > 0 ? { parameters: op.params.map(param) } : {}),
    ...(op.body
      ? {
          requestBody: {
            content: content(op.consumes[0] === "*/*" ? ["*/*"] : op.consumes, op.body),
            ...(op.method !== "delete" ? { required: true } : {}),
          },
        }
      : {}),
    responses,
    "x-kubernetes-action": op.action,
    "x-kubernetes-group-version-kind": op.gvk,
  };
}

function pathItem(p: ApiPath): Json {
  return {
    ...Object.fromEntries(p.operations.map((op) => [op.method, operation(op)])),
    parameters: p.params.map(param),
  };
}

/** The definition names `roots` reach, through every reference. */
function closure(roots: Iterable<string>): string[] {
  const defs = apiDefinitions();
  const seen = new Set<string>();
  const todo = [...roots];
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    const def = defs[name];
    if (seen.has(name) || !def) continue;
    seen.add(name);
    todo.push(...refsIn(definitionJson(def, "v3")));
  }
  return [...seen].sort();
}

/** The group versions served, as `api/v1` and `apis/{group}/{version}`. */
export function groupVersionPaths(): string[] {
  return [...new Set(apiPaths().map((p) => p.groupVersion))];
}

/** The OpenAPI v3 document of one group version (`api/v1`, `apis/kdns.dev/v1`), or undefined when not served. */
export function openApiV3Document(groupVersion: string): Json | undefined {
  const paths = apiPaths().filter((p) => p.groupVersion === groupVersion);
  if (paths.length === 0) return undefined;
  const items = Object.fromEntries(paths.map((p) => [p.path, pathItem(p)]));
  const defs = apiDefinitions();
  const schemas = Object.fromEntries(closure(refsIn(items)).map((name) => [name, definitionJson(defs[name]!, "v3")]));
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: KUBE_VERSION.gitVersion },
    paths: items,
    components: {
      schemas,
      securitySchemes: {
        BearerToken: { type: "apiKey", in: "header", name: "authorization", description: "Bearer token" },
      },
    },
    security: [{ BearerToken: [] }],
  };
}
