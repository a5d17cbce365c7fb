/** Short constructors for writing schemas (types.ts) as data: `str("…")`, `listOf(ref(…), "…", byName)`. */
import type { ListMerge, ObjectSchema, Schema } from "./types.ts";

/** Name prefixes Kubernetes publishes its definitions under. */
export const META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
export const CORE = "io.k8s.api.core.v1.";
export const DISCOVERY = "io.k8s.api.discovery.v1.";
export const NETWORKING = "io.k8s.api.networking.v1.";
/** A kind of a non-Kubernetes group is named after the reversed group (kdns.dev → dev.kdns), as for custom resources. */
export const KDNS = "dev.kdns.v1.";
/** The one name of IntOrString. */
export const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

/** A string; `extra` adds a format, an enum or a default. */
export function str(description?: string, extra: { format?: string; enum?: string[]; default?: string } = {}): Schema {
  return { type: "string", ...(description !== undefined ? { description } : {}), ...extra };
}

/** A 32-bit integer. */
export function int32(description: string, extra: { default?: number } = {}): Schema {
  return { type: "integer", format: "int32", description, ...extra };
}

/** A 64-bit integer. */
export function int64(description: string): Schema {
  return { type: "integer", format: "int64", description };
}

/** A boolean. */
export function bool(description: string): Schema {
  return { type: "boolean", description };
}

/** A reference to a named definition. */
export function ref(name: string, description?: string): Schema {
  return { type: "ref", ref: name, ...(description !== undefined ? { description } : {}) };
}

/** A list; `merge` says how strategic merge and apply treat it (atomic when absent). */
export function listOf(items: Schema, description: string, merge: ListMerge = {}): Schema {
  return { type: "array", items, description, ...merge };
}

/** A list of strings (atomic unless `merge` says otherwise). */
export function strings(description: string, merge: ListMerge = {}): Schema {
  return listOf(str(), description, merge);
}

/** A map from strings to strings (labels, selectors, annotations). */
export function stringMap(description: string): Schema {
  return { type: "map", values: str(), description };
}

/** A map from strings to `values`. */
export function mapOf(values: Schema, description: string): Schema {
  return { type: "map", values, description };
}

/** An object whose fields kdns accepts and keeps without spelling them out. */
export function freeForm(description: string): Schema {
  return { type: "free-form", description };
}

/** An object with named fields. */
export function object(description: string, properties: Record<string, Schema>, required?: string[]): ObjectSchema {
  return { type: "object", description, properties, ...(required && required.length > 0 ? { required } : {}) };
}

/** A list merged element by element on `key` (patchStrategy merge, listType map keyed by `key`). */
export function byKey(key: string, ...moreKeys: string[]): ListMerge {
  return { patchStrategy: "merge", patchMergeKey: key, listType: "map", listMapKeys: [key, ...moreKeys] };
}

/** A list of distinct primitives merged as a set (e.g. finalizers). */
export const MERGED_SET: ListMerge = { patchStrategy: "merge", listType: "set" };

/** A list replaced as a whole. */
export const ATOMIC: ListMerge = { listType: "atomic" };
