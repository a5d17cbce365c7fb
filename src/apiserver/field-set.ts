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

/**
 * Whether no field at or below `k` belongs to `scope`, so a walk does not go there: for `/status`
 * anything at the top but status, for the rest status and the server's fields.
 */
function outOfScope(k: string, scope: FieldScope): boolean {
  if (scope === "status") return !k.includes("/") && k !== "f:status";
  return STRIPPED.some((x) => k === x || k.startsWith(`${x}/`));
}

/** How deep {@link outOfScope} can cut: below it every path is in scope when its ancestors are. */
const SCOPE_DEPTH = Math.max(...STRIPPED.map((x) => x.split("/").length));

/** Every field `obj` sets in `scope`, by {@link pathKey}. */
export function fieldSetOf(
  obj: unknown,
  lists: Record<string, ListType>,
  scope: FieldScope = "main",
): Map<string, FieldPath> {
  return fieldsBelow(obj, [], "", lists, scope);
}

/** How {@link fieldSetOf} reads a value: fields of an object, elements of a map list, members of a set, or a leaf. */
type Shape = "object" | "map" | "set" | "leaf";

function shapeOf(value: unknown, lt: ListType | undefined): Shape {
  if (isObject(value)) return Object.keys(value).length > 0 ? "object" : "leaf";
  if (!Array.isArray(value) || value.length === 0) return "leaf";
  if (lt?.type === "map" && value.every(isObject)) return "map";
  if (lt?.type === "set" && !value.some(isObject)) return "set";
  return "leaf";
}

/** The fields of `scope` that `value` sets, found at `path` (schema path `schemaPath`) of an object. */
function fieldsBelow(
  value: unknown,
  path: string[],
  schemaPath: string,
  lists: Record<string, ListType>,
  scope: FieldScope,
): Map<string, FieldPath> {
  const out = new Map<string, FieldPath>();
  const visit = (value: unknown, path: string[], schemaPath: string): void => {
    if (value === undefined) return;
    if (path.length > 0 && path.length <= SCOPE_DEPTH && outOfScope(pathKey(path), scope)) return;
    const lt = lists[schemaPath];
    const child = (name: string): string => (schemaPath === "" ? name : `${schemaPath}.${name}`);
    switch (shapeOf(value, lt)) {
      case "object":
        for (const [k, v] of Object.entries(value as Json)) visit(v, [...path, `f:${k}`], child(k));
        return;
      case "map":
        for (const el of value as Json[]) {
          const item = [...path, `k:${listKey(el, lt as Extract<ListType, { type: "map" }>)}`];
          out.set(pathKey(item), item);
          for (const [k, v] of Object.entries(el)) visit(v, [...item, `f:${k}`], child(k));
        }
        return;
      case "set":
        for (const member of value as unknown[]) {
          const item = [...path, `v:${JSON.stringify(member)}`];
          out.set(pathKey(item), item);
        }
        return;
      case "leaf":
        if (path.length > 0) out.set(pathKey(path), path);
    }
  };
  visit(value, path, schemaPath);
  return out;
}

/** A field two versions of an object differ in, and whether the newer one sets it. */
export interface ChangedField {
  path: FieldPath;
  inNext: boolean;
}

/**
 * The fields of `scope` whose values differ between `old` and `next`, each with whether `next`
 * sets it; an element of a map list or set present in both is not itself changed (only its
 * fields can be). The same as comparing every field of either side's {@link fieldSetOf} with
 * {@link sameAt}, in one walk of both objects: a write's cost follows what it changed, not the
 * object's size times its depth.
 */
export function changedFields(
  old: unknown,
  next: unknown,
  lists: Record<string, ListType>,
  scope: FieldScope = "main",
): Map<string, ChangedField> {
  const out = new Map<string, ChangedField>();
  const add = (k: string, path: FieldPath, inNext: boolean): void => void out.set(k, { path, inNext });
  /** Either side absent or read differently: every field of either, compared where it is. */
  const apart = (a: unknown, b: unknown, path: string[], schemaPath: string): void => {
    const ofB = fieldsBelow(b, path, schemaPath, lists, scope);
    for (const [k, p] of [...fieldsBelow(a, path, schemaPath, lists, scope), ...ofB]) {
      const rest = p.slice(path.length);
      const va = a === undefined ? undefined : valueAt(a, rest);
      const vb = b === undefined ? undefined : valueAt(b, rest);
      if (isDeepStrictEqual(va, vb) || (isElement(p) && va !== undefined && vb !== undefined)) continue;
      add(k, p, ofB.has(k));
    }
  };
  const walk = (a: unknown, b: unknown, path: string[], schemaPath: string): void => {
    const k = pathKey(path);
    if (path.length > 0 && path.length <= SCOPE_DEPTH && outOfScope(k, scope)) return;
    const lt = lists[schemaPath];
    const shape = shapeOf(a, lt);
    if (a === undefined || b === undefined || shape !== shapeOf(b, lt)) return apart(a, b, path, schemaPath);
    const child = (name: string): string => (schemaPath === "" ? name : `${schemaPath}.${name}`);
    if (shape === "object") {
      const ja = a as Json;
      const jb = b as Json;
      for (const key of new Set([...Object.keys(ja), ...Object.keys(jb)]))
        walk(ja[key], jb[key], [...path, `f:${key}`], child(key));
      return;
    }
    if (shape === "map") {
      const byKey = (list: Json[]): Map<string, Json> | undefined => {
        const m = new Map<string, Json>();
        for (const el of list) {
          const key = listKey(el, lt as Extract<ListType, { type: "map" }>);
          if (m.has(key)) return undefined; // duplicate keys: read as fieldSetOf and sameAt read them
          m.set(key, el);
        }
        return m;
      };
      const ma = byKey(a as Json[]);
      const mb = byKey(b as Json[]);
      if (!ma || !mb) return apart(a, b, path, schemaPath);
      for (const key of new Set([...ma.keys(), ...mb.keys()])) {
        const item = [...path, `k:${key}`];
        const ea = ma.get(key);
        const eb = mb.get(key);
        if (!ea || !eb) {
          apart(ea, eb, item, schemaPath);
          add(pathKey(item), item, eb !== undefined);
          continue;
        }
        for (const f of new Set([...Object.keys(ea), ...Object.keys(eb)]))
          walk(ea[f], eb[f], [...item, `f:${f}`], `${schemaPath}.${f}`);
      }
      return;
    }
    if (shape === "set") {
      const ma = new Set((a as unknown[]).map((m) => JSON.stringify(m)));
      const mb = new Set((b as unknown[]).map((m) => JSON.stringify(m)));
      for (const m of ma) if (!mb.has(m)) add(pathKey([...path, `v:${m}`]), [...path, `v:${m}`], false);
      for (const m of mb) if (!ma.has(m)) add(pathKey([...path, `v:${m}`]), [...path, `v:${m}`], true);
      return;
    }
    if (path.length > 0 && !isDeepStrictEqual(a, b)) add(k, path, true);
  };
  walk(old, next, [], "");
  return out;
}

/** Whether the last step names a list element (by key) or a set member (by value). */
export function isElement(path: FieldPath): boolean {
  const last = path[path.length - 1] ?? "";
  return last.startsWith("k:") || last.startsWith("v:");
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
