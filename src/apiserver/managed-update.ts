/**
 * The `Update` entries of `metadata.managedFields` (pure), as Kubernetes' field manager records
 * them for writes that are not applies: a create makes its field manager the owner of every field
 * it set; a later write makes its manager the owner of every field it changed, taking them from
 * the others, so that an apply changing such a field back conflicts with, say, `kubectl-edit`.
 * Writes through `/status` own status fields in entries marked `subresource: status`. Like
 * kube-apiserver, an update of an object that has no managers records none.
 */
import { isDeepStrictEqual } from "node:util";
import type { ListType } from "../api/schemas/merge-keys.ts";
import type { KubeObject } from "../api/types.ts";
import { changedFields, type FieldPath, type FieldScope, fieldSetOf, fromFieldsV1, toFieldsV1 } from "./field-set.ts";

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

/** The `subresource` an entry of `scope` carries. */
function subresourceOf(scope: FieldScope): { subresource?: string } {
  return scope === "main" ? {} : { subresource: scope };
}

/** Whether entry `e` is the one `manager` keeps for `operation` in `scope`. */
export function isEntryOf(e: ManagedFieldsEntry, manager: string, operation: string, scope: FieldScope): boolean {
  return (
    e.manager === manager &&
    e.operation === operation &&
    (e.subresource ?? "") === (subresourceOf(scope).subresource ?? "")
  );
}

/** An entry of `manager` for `operation` owning `fields`. */
export function managedEntry(
  manager: string,
  operation: "Apply" | "Update",
  apiVersion: string,
  fields: ReadonlyMap<string, FieldPath>,
  scope: FieldScope = "main",
): ManagedFieldsEntry {
  return {
    manager,
    operation,
    apiVersion,
    time: entryTime(),
    fieldsType: "FieldsV1",
    fieldsV1: toFieldsV1(fields),
    ...subresourceOf(scope),
  };
}

/**
 * The managedFields of an object `manager` creates with a plain create at `apiVersion` (the
 * request's version; `obj` is at the storage version): it owns every field it set.
 */
export function managersOnCreate(
  obj: KubeObject,
  manager: string,
  lists: Record<string, ListType>,
  apiVersion = obj.apiVersion,
): ManagedFieldsEntry[] {
  const fields = fieldSetOf(obj, lists);
  return fields.size > 0 ? [managedEntry(manager, "Update", apiVersion, fields)] : [];
}

/**
 * The managedFields after `manager` wrote `next` over `old` in `scope` with a plain update or
 * patch made at `apiVersion`, or undefined to leave them as they are (no managers yet, or the client wrote its own).
 */
export function managersAfterUpdate(
  old: KubeObject,
  next: KubeObject,
  manager: string,
  lists: Record<string, ListType>,
  scope: FieldScope = "main",
  apiVersion = next.apiVersion,
): ManagedFieldsEntry[] | undefined {
  const before = entriesOf(old);
  if (before.length === 0 || !isDeepStrictEqual(next.metadata["managedFields"], old.metadata["managedFields"]))
    return undefined;
  const changed = changedFields(old, next, lists, scope);
  if (changed.size === 0) return undefined;
  const out: ManagedFieldsEntry[] = [];
  let mine = new Map<string, FieldPath>();
  for (const e of before) {
    const fields = fromFieldsV1(e.fieldsV1);
    for (const k of changed.keys()) fields.delete(k);
    if (isEntryOf(e, manager, "Update", scope)) mine = fields;
    else if (fields.size > 0) out.push({ ...e, fieldsV1: toFieldsV1(fields) });
  }
  for (const [k, c] of changed) if (c.inNext) mine.set(k, c.path);
  if (mine.size > 0) out.push(managedEntry(manager, "Update", apiVersion, mine, scope));
  return out;
}
