/**
 * The `Update` entries of `metadata.managedFields` (pure): once an object has managers (it was
 * server-side applied), a write that is not an apply makes its field manager the owner of every
 * field it changed, taking them from the others, as Kubernetes' field manager does. A later apply
 * that changes such a field back then conflicts with, say, `kubectl-edit`. Objects nobody applied
 * get no managedFields from plain writes (kdns records none for them).
 */
import { isDeepStrictEqual } from "node:util";
import type { ListMergeKey } from "../api/schemas/merge-keys.ts";
import type { KubeObject } from "../api/types.ts";
import { type FieldPath, fieldSetOf, fromFieldsV1, sameAt, toFieldsV1, valueAt } from "./field-set.ts";

/** One `metadata.managedFields` entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

/** The entries of an object, never undefined. */
export function entriesOf(obj: KubeObject): ManagedFieldsEntry[] {
  const list = obj.metadata["managedFields"];
  return Array.isArray(list) ? (list as ManagedFieldsEntry[]).filter((e) => typeof e?.manager === "string") : [];
}

/** `time` of an entry: now, in seconds as Kubernetes writes it. */
export function entryTime(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The managedFields after `manager` wrote `next` over `old` with a plain update or patch, or
 * undefined to leave them as they are (no managers yet, or the client wrote its own).
 */
export function managersAfterUpdate(
  old: KubeObject,
  next: KubeObject,
  manager: string,
  keys: Record<string, ListMergeKey>,
): ManagedFieldsEntry[] | undefined {
  const before = entriesOf(old);
  if (before.length === 0 || !isDeepStrictEqual(next.metadata["managedFields"], old.metadata["managedFields"]))
    return undefined;
  const newFields = fieldSetOf(next, keys);
  const changed = new Map<string, FieldPath>();
  for (const [k, path] of [...newFields, ...fieldSetOf(old, keys)])
    if (!sameAt(old, next, path) && !(path[path.length - 1]?.startsWith("k:") && bothHave(old, next, path)))
      changed.set(k, path);
  if (changed.size === 0) return undefined;
  const out: ManagedFieldsEntry[] = [];
  let mine = new Map<string, FieldPath>();
  for (const e of before) {
    const fields = fromFieldsV1(e.fieldsV1);
    for (const k of changed.keys()) fields.delete(k);
    if (e.manager === manager && e.operation === "Update") mine = fields;
    else if (fields.size > 0) out.push({ ...e, fieldsV1: toFieldsV1(fields) });
  }
  for (const [k, path] of changed) if (newFields.has(k)) mine.set(k, path);
  if (mine.size > 0)
    out.push({
      manager,
      operation: "Update",
      apiVersion: next.apiVersion,
      time: entryTime(),
      fieldsType: "FieldsV1",
      fieldsV1: toFieldsV1(mine),
    });
  return out;
}

/** An element present on both sides is the same element: only its fields can have changed. */
function bothHave(a: unknown, b: unknown, path: FieldPath): boolean {
  return valueAt(a, path) !== undefined && valueAt(b, path) !== undefined;
}
