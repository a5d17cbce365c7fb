/**
 * The merge step of server-side apply (pure), as structured-merge-diff merges an applied
 * configuration into the live object: objects field by field, `map` lists element by element on
 * their list map keys, `set` lists as the union of their members, and every other list (atomic)
 * and every scalar replaced by the applied value. Unlike strategic merge patch it reads the
 * schema's list types, not patch directives. Removing what a manager stopped applying is apply.ts's.
 */
import { isDeepStrictEqual } from "node:util";
import type { ListType } from "../api/schemas/merge-keys.ts";
import { listKey } from "./field-set.ts";

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `live` with `config` applied over it; neither is changed. */
export function applyMerge(live: unknown, config: unknown, lists: Record<string, ListType>, schemaPath = ""): unknown {
  if (isObject(config)) {
    const out: Json = isObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(config)) {
      // An applied null is the manager saying "no value": the field goes.
      if (v === null) delete out[k];
      else out[k] = applyMerge(out[k], v, lists, schemaPath === "" ? k : `${schemaPath}.${k}`);
    }
    return out;
  }
  if (!Array.isArray(config) || !Array.isArray(live)) return structuredClone(config);
  const lt = lists[schemaPath];
  if (lt?.type === "map" && config.every(isObject) && live.every(isObject)) {
    const out = [...live] as Json[];
    for (const el of config as Json[]) {
      const at = out.findIndex((x) => listKey(x, lt) === listKey(el, lt));
      if (at < 0) out.push(structuredClone(el));
      else out[at] = applyMerge(out[at], el, lists, schemaPath) as Json;
    }
    return out;
  }
  if (lt?.type === "set") {
    const out = [...live];
    for (const member of config) if (!out.some((x) => isDeepStrictEqual(x, member))) out.push(member);
    return out;
  }
  return structuredClone(config);
}
