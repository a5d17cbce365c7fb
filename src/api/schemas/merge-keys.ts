/**
 * How a kind's lists merge, read off its schema. Strategic merge patch merges every list with a
 * `patchMergeKey` element by element and replaces the others ({@link listMergeKeys}); server-side
 * apply follows `x-kubernetes-list-type` ({@link listTypes}): `map` lists by their list map keys,
 * `set` lists by value, and every other list (`atomic`, or no type) as one value, as
 * structured-merge-diff does. Paths skip list levels: `spec.containers.ports` is the `ports` list
 * of any container.
 */
import { definitionsOf } from "./index.ts";
import type { Definition, KindSchema, Schema } from "./types.ts";

/** How one list is merged: elements are the same when every key field is equal. */
export interface ListMergeKey {
  /** The patchMergeKey field. */
  key: string;
  /**
   * Other list map keys that must also match, with the value an absent field stands for (its
   * schema default): a Service's ports 53/UDP and 53/TCP are two elements.
   */
  also?: Record<string, string>;
}

/** What server-side apply tracks in one list: elements by key fields (with their defaults), or by value. */
export type ListType =
  | {
      type: "map";
      /** The list map keys, in schema order. */
      keys: readonly string[];
      /** What an absent key field stands for (its schema default). */
      defaults: Record<string, string>;
    }
  | { type: "set" };

const cache = new WeakMap<KindSchema, Record<string, ListMergeKey>>();
const typeCache = new WeakMap<KindSchema, Record<string, ListType>>();

/** Called for every list in a schema, with its path and the schema of its items. */
type ListVisitor = (path: string, list: Extract<Schema, { type: "array" }>, defs: Record<string, Definition>) => void;

function resolve(schema: Schema | Definition, defs: Record<string, Definition>): Schema | Definition | undefined {
  return schema.type === "ref" ? defs[schema.ref] : schema;
}

/** Defaults of the other list map keys, from the element's schema. */
function alsoOf(
  keys: readonly string[],
  key: string,
  item: Schema,
  defs: Record<string, Definition>,
): Record<string, string> {
  const also: Record<string, string> = {};
  const element = resolve(item, defs);
  if (element?.type !== "object") return also;
  for (const k of keys) {
    const field = element.properties[k];
    if (k !== key && field?.type === "string" && field.default !== undefined) also[k] = field.default;
  }
  return also;
}

function walk(
  schema: Schema | Definition,
  path: string,
  defs: Record<string, Definition>,
  visit: ListVisitor,
  depth: number,
): void {
  // Kubernetes' types nest a dozen levels at most; the bound only guards against a cyclic schema.
  if (depth > 32) return;
  const node = resolve(schema, defs);
  if (node === undefined) return;
  if (node.type === "object") {
    for (const [name, field] of Object.entries(node.properties))
      walk(field, path === "" ? name : `${path}.${name}`, defs, visit, depth + 1);
  } else if (node.type === "array") {
    visit(path, node, defs);
    walk(node.items, path, defs, visit, depth + 1);
  }
}

function walkKind(kind: KindSchema, visit: ListVisitor): void {
  const defs = definitionsOf([kind]);
  const root = defs[kind.name];
  if (root) walk(root, "", defs, visit, 0);
}

function keyOf(key: string, listMapKeys: readonly string[], items: Schema, defs: Record<string, Definition>) {
  const also = alsoOf(listMapKeys, key, items, defs);
  return { key, ...(Object.keys(also).length > 0 ? { also } : {}) };
}

/** The strategic merge keys of a kind, by path. */
export function listMergeKeys(kind: KindSchema): Record<string, ListMergeKey> {
  const known = cache.get(kind);
  if (known) return known;
  const out: Record<string, ListMergeKey> = {};
  walkKind(kind, (path, list, defs) => {
    if (list.patchMergeKey !== undefined)
      out[path] = keyOf(list.patchMergeKey, list.listMapKeys ?? [], list.items, defs);
  });
  cache.set(kind, out);
  return out;
}

/** The server-side apply list types of a kind, by path; lists not named are atomic. */
export function listTypes(kind: KindSchema): Record<string, ListType> {
  const known = typeCache.get(kind);
  if (known) return known;
  const out: Record<string, ListType> = {};
  walkKind(kind, (path, list, defs) => {
    const keys = list.listMapKeys ?? [];
    if (list.listType === "map" && keys.length > 0)
      out[path] = { type: "map", keys, defaults: alsoOf(keys, "", list.items, defs) };
    else if (list.listType === "set") out[path] = { type: "set" };
  });
  typeCache.set(kind, out);
  return out;
}
