/**
 * The vocabulary kdns writes its kinds' schemas in: plain data, one small union, from which the
 * API server generates OpenAPI v3 and v2 (and the strategic merge keys come). Named definitions
 * use the OpenAPI names Kubernetes publishes (`io.k8s.api.core.v1.Service`), so tools that look
 * schemas up by name find them where they expect.
 */

/** How a list is merged by strategic merge patch and server-side apply (the Go types' +patch and +listType tags). */
export interface ListMerge {
  /** `x-kubernetes-patch-strategy`. */
  patchStrategy?: "merge" | "replace" | "merge,retainKeys";
  /** `x-kubernetes-patch-merge-key`: the element field that identifies an element. */
  patchMergeKey?: string;
  /** `x-kubernetes-list-type`. */
  listType?: "atomic" | "set" | "map";
  /** `x-kubernetes-list-map-keys`: the fields that together identify an element (listType map). */
  listMapKeys?: string[];
}

/**
 * One schema node. Every field and definition says what it is for in `description` (a unit test
 * checks); only the items of a list and the values of a map may go without.
 */
export type Schema =
  | { type: "string"; description?: string; format?: string; enum?: string[]; default?: string }
  | { type: "integer"; description?: string; format: "int32" | "int64"; default?: number }
  | { type: "number"; description?: string; format?: "double" }
  | { type: "boolean"; description?: string; default?: boolean }
  /** A named definition, by its full name. */
  | { type: "ref"; description?: string; ref: string }
  | ({ type: "array"; description?: string; items: Schema } & ListMerge)
  /** A map with string keys (`additionalProperties`). */
  | { type: "map"; description?: string; values: Schema }
  /** An object whose fields kdns does not spell out: any JSON object is accepted and kept. */
  | { type: "free-form"; description?: string }
  | ObjectSchema;

/** An object with named fields. */
export interface ObjectSchema {
  type: "object";
  description?: string;
  properties: Record<string, Schema>;
  required?: string[];
}

/** group/version/kind, as `x-kubernetes-group-version-kind` lists it. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** A named definition: an object, or a primitive with its own name (Time, IntOrString). */
export type Definition = (ObjectSchema | Extract<Schema, { type: "string" | "free-form" }>) & {
  /** The kinds this definition is the schema of (top-level objects only). */
  gvk?: GroupVersionKind[];
};

/** The schema of one kind: the name of its definition and every definition it introduces. */
export interface KindSchema {
  /** The full definition name of the kind's object. */
  name: string;
  /** The definitions this kind brings (its own and the types only it uses), by full name. */
  definitions: Record<string, Definition>;
}
