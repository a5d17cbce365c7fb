/**
 * Field sets of server-side apply (pure), as structured-merge-diff names fields: a path of
 * `f:<field>` steps, `k:<key JSON>` steps for an element of a `map` list (by its list map keys)
 * and `v:<value JSON>` steps for a member of a `set` list; atomic lists and scalars are leaves.
 * Sets convert to and from the `fieldsV1` trees stored in `metadata.managedFields`, are read and
 * removed in objects, and print as kubectl shows them.
 */
import { isDeepStrictEqual } from "node:util";
import type { ListType } from "../api/schemas/merge-keys.ts";

/** One field: its steps. */
export type FieldPath = readonly string[];

/**
 * Through what a write manages an object: the main resource or `/finalize` (everything but
 * status), or `/status` (status only), as kube-apiserver's reset fields split them.
 */
export type FieldScope = "main" | "status" | "finalize";

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Fields the server owns: never part of anyone's field set (fieldmanager's stripped fields). */
const STRIPPED: readonly string[] = [
  "f:apiVersion",
  "f:kind",
  "f:status",
  "f:metadata/f:name",
  "f:metadata/f:namespace",
  "f:metadata/f:uid",
  "f:metadata/f:resourceVersion",
  "f:metadata/f:generation",
  "f:metadata/f:creationTimestamp",
  "f:metadata/f:deletionTimestamp",
  "f:metadata/f:deletionGracePeriodSeconds",
  "f:metadata/f:managedFields",
  "f:metadata/f:selfLink",
];

/** The key of a `map` list element: its list map key fields (defaults filled), as sorted JSON. */
export function listKey(el: Json, lt: Extract<ListType, { type: "map" }>): string {
  const key: Json = {};
  for (const field of [...lt.keys].sort()) {
    const value = el[field] ?? lt.defaults[field];
    if (value !== undefined) key[field] = value;
  }
  return JSON.stringify(key);
}

/** The string a path is compared by. */
export function pathKey(path: FieldPath): string {
  return path.join("/");
}

/** Every field `obj` sets in `scope`, by {@link pathKey}. */
export function fieldSetOf(
  obj: unknown,
  lists: Record<string, ListType>,
  scope: FieldScope = "main",
): Map<string, FieldPath> {
  const out = new Map<string, FieldPath>();
  const visit = (value: unknown, path: string[], schemaPath: string): void => {
    const lt = lists[schemaPath];
    if (isObject(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value))
        visit(v, [...path, `f:${k}`], schemaPath === "" ? k : `${schemaPath}.${k}`);
      return;
    }
    if (Array.isArray(value) && value.length > 0 && lt?.type === "map" && value.every(isObject)) {
      for (const el of value as Json[]) {
        const item = [...path, `k:${listKey(el, lt)}`];
        out.set(pathKey(item), item);
        for (const [k, v] of Object.entries(el)) visit(v, [...item, `f:${k}`], `${schemaPath}.${k}`);
      }
      return;
    }
    if (Array.isArray(value) && value.length > 0 && lt?.type === "set" && !value.some(isObject)) {
      for (const member of value) {
        const item = [...path, `v:${JSON.stringify(member)}`];
        out.set(pathKey(item), item);
      }
      return;
    }
    if (path.length > 0) out.set(pathKey(path), path);
  };
  visit(obj, [], "");
  for (const k of out.keys()) {
    const isStatus = k === "f:status" || k.startsWith("f:status/");
    if (scope === "status" ? !isStatus : STRIPPED.some((x) => k === x || k.startsWith(`${x}/`))) out.delete(k);
  }
  return out;
}

/** A field set as a `fieldsV1` tree (`{"f:spec":{"f:ports":{"k:{…}":{".":{},"f:port":{}}}}}`). */
export function toFieldsV1(set: ReadonlyMap<string, FieldPath>): Json {
  const root: Json = {};
  for (const path of set.values()) {
    let node = root;
    for (const step of path) {
      if (!isObject(node[step])) node[step] = {};
      node = node[step] as Json;
    }
    // A map list element is itself a field as well as the parent of its fields: "." marks it.
    if (path[path.length - 1]?.startsWith("k:")) node["."] = {};
  }
  return root;
}

/** The field set a `fieldsV1` tree holds. */
export function fromFieldsV1(tree: unknown): Map<string, FieldPath> {
  const out = new Map<string, FieldPath>();
  const visit = (node: unknown, path: string[]): void => {
    if (!isObject(node)) return;
    const children = Object.keys(node).filter((k) => k !== ".");
    if ((children.length === 0 || "." in node) && path.length > 0) out.set(pathKey(path), path);
    for (const k of children) visit(node[k], [...path, k]);
  };
  visit(tree, []);
  return out;
}

/** Where a step leads from `parent`: the field, the list element with that key, or the set member. */
function step(parent: unknown, s: string): { container: Json | unknown[]; at: string | number } | undefined {
  if (s.startsWith("f:")) return isObject(parent) ? { container: parent, at: s.slice(2) } : undefined;
  if (!Array.isArray(parent)) return undefined;
  if (s.startsWith("v:")) {
    const member = JSON.parse(s.slice(2)) as unknown;
    const at = parent.findIndex((el) => isDeepStrictEqual(el, member));
    return at < 0 ? undefined : { container: parent, at };
  }
  if (!s.startsWith("k:")) return undefined;
  const key = JSON.parse(s.slice(2)) as Json;
  const at = parent.findIndex(
    (el) =>
      isObject(el) &&
      Object.entries(key).every(([k, v]) => el[k] === v || (el[k] === undefined && typeof v === "string")),
  );
  return at < 0 ? undefined : { container: parent, at };
}

/** The value at `path` in `obj`, or undefined. */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let node = obj;
  for (const s of path) {
    const next = step(node, s);
    if (!next) return undefined;
    node = Array.isArray(next.container) ? next.container[next.at as number] : next.container[next.at as string];
  }
  return node;
}

/** Whether `a` and `b` hold the same value at `path`. */
export function sameAt(a: unknown, b: unknown, path: FieldPath): boolean {
  return isDeepStrictEqual(valueAt(a, path), valueAt(b, path));
}

/** Removes the field at `path` from `obj` (in place); a missing one is no error. */
export function removeAt(obj: unknown, path: FieldPath): void {
  let node = obj;
  for (const [i, s] of path.entries()) {
    const next = step(node, s);
    if (!next) return;
    if (i === path.length - 1) {
      if (Array.isArray(next.container)) next.container.splice(next.at as number, 1);
      else delete next.container[next.at as string];
      return;
    }
    node = Array.isArray(next.container) ? next.container[next.at as number] : next.container[next.at as string];
  }
}

/** A path as kubectl prints conflicts: `.spec.ports[port=80,protocol="TCP"].targetPort`. */
export function displayPath(path: FieldPath): string {
  return path
    .map((s) => {
      if (s.startsWith("f:")) return `.${s.slice(2)}`;
      if (s.startsWith("v:")) return `[=${s.slice(2)}]`;
      const key = JSON.parse(s.slice(2)) as Json;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(",")}]`;
    })
    .join("");
}
