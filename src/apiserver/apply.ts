/**
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`, what `kubectl apply
 * --server-side` sends), with `metadata.managedFields` per field manager as Kubernetes keeps
 * them: the applied configuration is merged over the live object by the schema's list types
 * (apply-merge.ts); changing a field another manager owns is a 409 listing the fields, unless
 * `force` takes them over; a field the manager applied before and no longer applies is removed
 * when no other manager owns it. An apply through `/status` manages status fields in its own
 * entry; `dryRun` answers with the result and stores nothing. Writes that are not applies take
 * over the fields they change (managed-update.ts).
 */
import { apiVersionOf, type ResourceInfo } from "../api/resources.ts";
import { listTypes } from "../api/schemas/merge-keys.ts";
import type { KubeObject } from "../api/types.ts";
import { ApiError, badRequest, conflict, invalid, type StatusCause } from "../machinery/status.ts";
import { applyMerge } from "./apply-merge.ts";
import { decodeObject } from "./codec.ts";
import type { ApiContext } from "./context.ts";
import { createObject } from "./create.ts";
import {
  displayPath,
  type FieldPath,
  fieldSetOf,
  fromFieldsV1,
  isElement,
  pathKey,
  removeAt,
  sameAt,
  toFieldsV1,
} from "./field-set.ts";
import { objectKey } from "./keys.ts";
import { entriesOf, isEntryOf, managedEntry } from "./managed-update.ts";
import { asKubeObject, checkName, checkNamespace } from "./type-meta.ts";
import { STALE_MESSAGE, type UpdateTarget, writeOver } from "./update.ts";

/** The outcome: the object, and whether it was created (201) or merged (200). */
export interface ApplyResult {
  created: boolean;
  obj: KubeObject;
}

/** PatchOptions of an apply. */
export interface ApplyOptions {
  fieldManager: string | undefined;
  force: boolean;
  /** `dryRun=All`: check and answer, store nothing. */
  dryRun?: boolean;
}

const MAX_ATTEMPTS = 16;

/** A field another manager owns: `owner` as Kubernetes words it (`"kubectl" using v1`). */
interface Conflict {
  owner: string;
  path: FieldPath;
}

/** The 409 kube-apiserver answers: every conflicting field, grouped by the manager owning it. */
function conflictError(info: ResourceInfo, name: string, found: Conflict[]): ApiError {
  const causes: StatusCause[] = found.map((c) => ({
    reason: "FieldManagerConflict",
    message: `conflict with ${c.owner}`,
    field: displayPath(c.path),
  }));
  const first = found[0];
  const owners = [...new Set(found.map((c) => c.owner))];
  const message =
    found.length === 1 && first
      ? `Apply failed with 1 conflict: conflict with ${first.owner}: ${displayPath(first.path)}`
      : `Apply failed with ${found.length} conflicts: ${owners
          .map((o) => {
            const paths = found.filter((c) => c.owner === o).map((c) => `- ${displayPath(c.path)}`);
            return `conflicts with ${o}:\n${paths.join("\n")}`;
          })
          .join("\n")}`;
  return new ApiError(409, "Conflict", message, {
    name,
    kind: info.resource,
    ...(info.group ? { group: info.group } : {}),
    causes,
  });
}

/** The object and managers after `manager` applies `config` over `current`; throws 409 on conflicts unless forced. */
function applyOver(t: UpdateTarget, current: KubeObject, config: KubeObject, options: ApplyOptions): KubeObject {
  const manager = options.fieldManager as string;
  const scope = t.subresource === "status" ? "status" : "main";
  const lists = listTypes(t.info.schema);
  const applied = fieldSetOf(config, lists, scope);
  const entries = entriesOf(current);
  const mine = entries.find((e) => isEntryOf(e, manager, "Apply", scope));
  const others = entries.filter((e) => e !== mine).map((e) => ({ entry: e, fields: fromFieldsV1(e.fieldsV1) }));
  const found: Conflict[] = [];
  for (const { entry, fields } of others) {
    const owner = `"${entry.manager}"${entry.apiVersion ? ` using ${entry.apiVersion}` : ""}`;
    for (const [k, path] of applied) {
      // An element present on both sides is the same element (a set member the same value): only
      // an element's fields can conflict.
      if (isElement(path)) continue;
      if (fields.has(k) && !sameAt(current, config, path)) found.push({ owner, path });
    }
  }
  if (found.length > 0 && !options.force) throw conflictError(t.info, t.name, found);
  // Forced: the fields change owner.
  for (const other of others) for (const c of found) other.fields.delete(pathKey(c.path));

  const merged = applyMerge(current, config, lists) as KubeObject;
  const ownedByOthers = new Set(others.flatMap((o) => [...o.fields.keys()]));
  const dropped = [...fromFieldsV1(mine?.fieldsV1)]
    .filter(([k]) => !applied.has(k) && !ownedByOthers.has(k))
    .map(([, path]) => path)
    // Outer fields first: an element goes whole, before its key fields would be gone from it.
    .sort((a, b) => a.length - b.length);
  for (const path of dropped) removeAt(merged, path);

  const kept = others.filter((o) => o.fields.size > 0).map((o) => ({ ...o.entry, fieldsV1: toFieldsV1(o.fields) }));
  merged.metadata["managedFields"] = [...kept, managedEntry(manager, "Apply", apiVersionOf(t.info), applied, scope)];
  return merged;
}

/** Applies a configuration (already parsed) to the object at `t`. */
export async function serverSideApply(
  ctx: ApiContext,
  t: UpdateTarget,
  applied: unknown,
  options: ApplyOptions,
): Promise<ApplyResult> {
  if (applied === null || typeof applied !== "object" || Array.isArray(applied)) {
    throw badRequest("an apply patch must be a YAML or JSON object");
  }
  const raw = applied as Partial<KubeObject>;
  if (typeof raw.apiVersion !== "string" || typeof raw.kind !== "string") {
    throw badRequest("invalid object type: apiVersion and kind must be set in an apply patch");
  }
  if (!options.fieldManager)
    throw invalid({ kind: "PatchOptions", group: "meta.k8s.io", objectKind: "PatchOptions.meta.k8s.io", name: "" }, [
      { field: "fieldManager", message: "Required value: is required for apply patch", reason: "FieldValueRequired" },
    ]);
  const config = asKubeObject(t.info, structuredClone(raw));
  config.metadata = { ...config.metadata, name: config.metadata.name ?? t.name };
  checkNamespace(t.info, config, t.namespace);
  checkName(config, t.name);
  delete config.metadata["managedFields"];
  const target = { kind: t.info.resource, name: t.name, ...(t.info.group ? { group: t.info.group } : {}) };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const kv = await ctx.storage.get(objectKey(t.info, t.namespace, t.name));
    if (!kv) {
      if (t.subresource !== undefined) throw new ApiError(404, "NotFound", `${t.info.resource} "${t.name}" not found`);
      const body = structuredClone(config);
      const fields = fieldSetOf(config, listTypes(t.info.schema));
      body.metadata["managedFields"] = [managedEntry(options.fieldManager, "Apply", apiVersionOf(t.info), fields)];
      try {
        const dryRun = options.dryRun === true;
        // `body` is at the storage version already (asKubeObject converted it).
        return {
          created: true,
          obj: await createObject(ctx, t.info.storageInfo ?? t.info, t.namespace, body, { dryRun }),
        };
      } catch (err) {
        // Created meanwhile by someone else: apply over theirs.
        if (err instanceof ApiError && err.code === 409 && err.status.reason === "AlreadyExists") continue;
        throw err;
      }
    }
    const current = decodeObject(kv);
    const pinned = config.metadata.resourceVersion;
    if (pinned && pinned !== current.metadata.resourceVersion) throw conflict(target, STALE_MESSAGE);
    const next = applyOver(t, current, config, options);
    const { fieldManager: _plainWriter, ...asApply } = t;
    const result = await writeOver(ctx, { ...asApply, dryRun: options.dryRun === true }, kv, next);
    if (result.type === "ok") return { created: false, obj: result.obj };
  }
  throw conflict(target, STALE_MESSAGE);
}
