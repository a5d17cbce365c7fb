/**
 * The list merge keys of a kind, read off its schema: every list with a `patchMergeKey` is merged
 * element by element by strategic merge patch and server-side apply; every other list is
 * replaced. Paths skip list levels: `spec.containers.ports` is the `ports` list of any container.
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

const cache = new WeakMap<KindSchema, Record<string, ListMergeKey>>();

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
  out: Record<string, ListMergeKey>,
  depth: number,
): void {
  // Kubernetes' types nest a dozen levels at most; the bound only guards against a cyclic schema.
  if (depth > 32) return;
  const node = resolve(schema, defs);
  if (node === undefined) return;
  if (node.type === "object") {
    for (const [name, field] of Object.entries(node.properties))
      walk(field, path === "" ? name : `${path}.${name}`, defs, out, depth + 1);
  } else if (node.type === "array") {
    if (node.patchMergeKey !== undefined) {
      const also = alsoOf(node.listMapKeys ?? [], node.patchMergeKey, node.items, defs);
      out[path] = { key: node.patchMergeKey, ...(Object.keys(also).length > 0 ? { also } : {}) };
    }
    walk(node.items, path, defs, out, depth + 1);
  }
}

/** The merge keys of a kind, by path. */
export function listMergeKeys(kind: KindSchema): Record<string, ListMergeKey> {
  const known = cache.get(kind);
  if (known) return known;
  const defs = definitionsOf([kind]);
  const out: Record<string, ListMergeKey> = {};
  const root = defs[kind.name];
  if (root) walk(root, "", defs, out, 0);
  cache.set(kind, out);
  return out;
}
