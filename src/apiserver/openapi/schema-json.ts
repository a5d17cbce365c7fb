/**
 * A schema node (src/api/schemas) as OpenAPI's JSON Schema, in the shapes kube-apiserver
 * publishes: a reference is `$ref` (v2: `#/definitions/…`, description beside it; v3:
 * `#/components/schemas/…`, wrapped in `allOf` when it has a description, since OpenAPI 3.0
 * ignores siblings of `$ref`), lists carry the `x-kubernetes-list-*` and `x-kubernetes-patch-*`
 * extensions kubectl computes strategic merge patches from, and a kind's definition its
 * `x-kubernetes-group-version-kind`.
 */
import type { Definition, Schema } from "../../api/schemas/types.ts";

/** Which OpenAPI version to write. */
export type OpenApiVersion = "v2" | "v3";

type Json = Record<string, unknown>;

/** The `$ref` target of a definition name. */
export function refTo(name: string, version: OpenApiVersion): string {
  return version === "v2" ? `#/definitions/${name}` : `#/components/schemas/${name}`;
}

function described(node: { description?: string }): Json {
  return node.description !== undefined ? { description: node.description } : {};
}

/** One schema node as JSON Schema. */
export function schemaJson(node: Schema | Definition, version: OpenApiVersion): Json {
  switch (node.type) {
    case "ref": {
      const ref = { $ref: refTo(node.ref, version) };
      if (node.description === undefined) return ref;
      return version === "v2"
        ? { ...ref, description: node.description }
        : { allOf: [ref], description: node.description };
    }
    case "string":
    case "integer":
    case "number":
    case "boolean": {
      const { description: _d, ...rest } = node;
      return { ...described(node), ...rest };
    }
    case "array":
      return {
        ...described(node),
        type: "array",
        items: schemaJson(node.items, version),
        ...(node.listType !== undefined ? { "x-kubernetes-list-type": node.listType } : {}),
        ...(node.listMapKeys !== undefined ? { "x-kubernetes-list-map-keys": node.listMapKeys } : {}),
        ...(node.patchMergeKey !== undefined ? { "x-kubernetes-patch-merge-key": node.patchMergeKey } : {}),
        ...(node.patchStrategy !== undefined ? { "x-kubernetes-patch-strategy": node.patchStrategy } : {}),
      };
    case "map":
      return { ...described(node), type: "object", additionalProperties: schemaJson(node.values, version) };
    case "free-form":
      return { ...described(node), type: "object" };
    case "object":
      return {
        ...described(node),
        type: "object",
        properties: Object.fromEntries(
          Object.entries(node.properties).map(([name, field]) => [name, schemaJson(field, version)]),
        ),
        ...(node.required !== undefined ? { required: node.required } : {}),
      };
  }
}

/** A named definition as JSON Schema, with its group-version-kinds. */
export function definitionJson(def: Definition, version: OpenApiVersion): Json {
  const { gvk, ...node } = def;
  return { ...schemaJson(node as Schema, version), ...(gvk ? { "x-kubernetes-group-version-kind": gvk } : {}) };
}

/** The definition names a JSON Schema refers to, directly. */
export function refsIn(json: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(json)) for (const v of json) refsIn(v, out);
  else if (json !== null && typeof json === "object") {
    for (const [k, v] of Object.entries(json)) {
      if (k === "$ref" && typeof v === "string") out.add(v.slice(v.lastIndexOf("/") + 1));
      else refsIn(v, out);
    }
  }
  return out;
}
