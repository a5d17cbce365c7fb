/**
 * Strategic merge patch (`application/strategic-merge-patch+json`, the Kubernetes patch kubectl
 * sends for built-in kinds): like JSON merge patch (RFC 7386), except that lists with a merge key
 * are merged element by element, and these directives are understood:
 * `$patch: replace|delete` (on a map or a list element), `$setElementOrder/<list>`,
 * `$deleteFromPrimitiveList/<list>` and `$retainKeys` (apimachinery strategicpatch semantics).
 */

import type { ListMergeKey } from "../api/schemas/merge-keys.ts";
import { badRequest } from "../machinery/status.ts";

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function set(target: Json, key: string, value: unknown): void {
  // defineProperty so that "__proto__" becomes a plain key, never the prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Whether list element `el` is the one `probe` names under `mk`. */
function sameElement(el: unknown, probe: Json, mk: ListMergeKey): boolean {
  if (!isObject(el) || el[mk.key] !== probe[mk.key]) return false;
  for (const [field, dflt] of Object.entries(mk.also ?? {})) {
    if ((el[field] ?? dflt) !== (probe[field] ?? dflt)) return false;
  }
  return true;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v))
    return v
      .filter((e) => !(isObject(e) && e["$patch"] !== undefined && Object.keys(e).length === 1))
      .map(stripDirectives);
  if (!isObject(v)) return v;
  const out: Json = {};
  for (const [k, val] of Object.entries(v)) if (!k.startsWith("$")) set(out, k, stripDirectives(val));
  return out;
}

function mergeList(
  original: unknown,
  patch: unknown[],
  mk: ListMergeKey,
  path: string,
  keys: Record<string, ListMergeKey>,
): unknown[] {
  if (patch.some((e) => isObject(e) && e["$patch"] === "replace")) {
    return patch.filter((e) => !(isObject(e) && e["$patch"] === "replace")).map(stripDirectives);
  }
  const result: unknown[] = Array.isArray(original) ? structuredClone(original) : [];
  for (const el of patch) {
    if (!isObject(el))
      throw badRequest(`strategic merge patch: the elements of ${path} must be objects with "${mk.key}"`);
    if (el[mk.key] === undefined)
      throw badRequest(`strategic merge patch: an element of ${path} has no merge key "${mk.key}"`);
    const at = result.findIndex((e) => sameElement(e, el, mk));
    if (el["$patch"] === "delete") {
      if (at >= 0) result.splice(at, 1);
      continue;
    }
    if (at >= 0) result[at] = mergeValue(result[at], el, path, keys);
    else result.push(stripDirectives(el));
  }
  return result;
}

/** Sorts `list` so the elements named in `order` come first, in that order (`$setElementOrder`). */
function ordered(list: unknown[], order: unknown, mk: ListMergeKey | undefined): unknown[] {
  if (!Array.isArray(order)) return list;
  const rank = (el: unknown): number => {
    const i = order.findIndex((o) => (mk && isObject(o) ? isObject(el) && el[mk.key] === o[mk.key] : o === el));
    return i < 0 ? order.length : i;
  };
  return list
    .map((el, i) => ({ el, i, r: rank(el) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.el);
}

function mergeValue(original: unknown, patch: unknown, path: string, keys: Record<string, ListMergeKey>): unknown {
  if (!isObject(patch)) return stripDirectives(patch);
  if (patch["$patch"] === "replace") return stripDirectives(patch);
  const result: Json = isObject(original) ? structuredClone(original) : {};
  const orders: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    const child = path === "" ? key : `${path}.${key}`;
    if (key === "$patch" || key === "$retainKeys") continue;
    if (key.startsWith("$setElementOrder/")) {
      orders[key.slice("$setElementOrder/".length)] = value;
    } else if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice("$deleteFromPrimitiveList/".length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value))
        set(
          result,
          field,
          current.filter((v) => !value.includes(v)),
        );
    } else if (value === null) {
      delete result[key];
    } else if (Array.isArray(value)) {
      const mk = keys[child];
      set(result, key, mk ? mergeList(result[key], value, mk, child, keys) : stripDirectives(value));
    } else if (isObject(value) && value["$patch"] === "delete") {
      delete result[key];
    } else {
      set(result, key, mergeValue(Object.hasOwn(result, key) ? result[key] : undefined, value, child, keys));
    }
  }
  for (const [field, order] of Object.entries(orders)) {
    const list = result[field];
    if (Array.isArray(list)) set(result, field, ordered(list, order, keys[path === "" ? field : `${path}.${field}`]));
  }
  const retain = patch["$retainKeys"];
  if (Array.isArray(retain)) for (const k of Object.keys(result)) if (!retain.includes(k)) delete result[k];
  return result;
}

/**
 * Applies a strategic merge `patch` to `original` with the list merge `keys` of its kind (read off
 * its schema by src/api/schemas/merge-keys.ts); neither input is mutated.
 */
export function strategicMerge(original: unknown, patch: unknown, keys: Record<string, ListMergeKey>): unknown {
  if (!isObject(patch)) throw badRequest("a strategic merge patch must be a JSON object");
  return mergeValue(original, patch, "", keys);
}
