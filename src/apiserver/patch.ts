/**
 * The patch verb: JSON merge patch (RFC 7386), JSON patch (RFC 6902), strategic merge patch and
 * server-side apply (see apply.ts) applied to the current object, then written through the update path; lost races are retried against the new current
 * object unless the patch itself pinned a resourceVersion.
 */

import type { Operation } from "fast-json-patch";
import fastJsonPatch from "fast-json-patch";
import type { ResourceInfo } from "../api/resources.ts";
import { listMergeKeys } from "../api/schemas/merge-keys.ts";
import type { KubeObject } from "../api/types.ts";
import { toServedVersion } from "../api/version-conversion.ts";
import { mergePatch } from "../machinery/merge-patch.ts";
import { ApiError, badRequest, conflict, invalid } from "../machinery/status.ts";
import { decodeObject } from "./codec.ts";
import type { ApiContext } from "./context.ts";
import { strategicMerge } from "./strategic-merge.ts";
import { asKubeObject, checkName, checkNamespace } from "./type-meta.ts";
import { currentValue, STALE_MESSAGE, type UpdateTarget, writeOver } from "./update.ts";

/** The patch media types served. */
export type PatchMediaType =
  | "application/merge-patch+json"
  | "application/json-patch+json"
  | "application/strategic-merge-patch+json"
  | "application/apply-patch+yaml";

const PATCH_TYPES: readonly string[] = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

const MAX_ATTEMPTS = 16;

/** Checks the PATCH content type; anything else is 415. */
export function patchMediaType(type: string): PatchMediaType {
  if (PATCH_TYPES.includes(type)) return type as PatchMediaType;
  throw new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(", ")}`,
  );
}

function applyPatch(type: PatchMediaType, current: KubeObject, patch: unknown, info: ResourceInfo): unknown {
  if (type === "application/strategic-merge-patch+json") {
    return strategicMerge(current, patch, listMergeKeys(info.schema));
  }
  if (type === "application/merge-patch+json") {
    if (patch === null || typeof patch !== "object" || Array.isArray(patch))
      throw badRequest("a merge patch must be a JSON object");
    return mergePatch(current, patch);
  }
  if (!Array.isArray(patch)) throw badRequest("a JSON patch must be a JSON array of operations");
  const error = fastJsonPatch.validate(patch as Operation[], current);
  if (error)
    throw invalid({ kind: "object", name: current.metadata.name ?? "" }, [
      { field: "patch", message: error.message.split("\n")[0] ?? "invalid JSON patch" },
    ]);
  try {
    return fastJsonPatch.applyPatch(structuredClone(current), patch as Operation[], false, false).newDocument;
  } catch (err) {
    throw new ApiError(422, "Invalid", `the JSON patch could not be applied: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** PATCH: applies `patch` (already parsed JSON) of `type` (server-side apply is apply.ts's) to the object at `t`. */
export async function patchObject(
  ctx: ApiContext,
  t: UpdateTarget,
  type: Exclude<PatchMediaType, "application/apply-patch+yaml">,
  patch: unknown,
): Promise<KubeObject> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const kv = await currentValue(ctx, t);
    // The patch is written against the version of the request, as kube-apiserver patches the versioned object.
    const current = toServedVersion(t.info, decodeObject(kv));
    const patched = asKubeObject(t.info, applyPatch(type, current, patch, t.info));
    checkNamespace(t.info, patched, t.namespace);
    checkName(patched, t.name);
    const pinned = patched.metadata.resourceVersion;
    if (pinned !== undefined && pinned !== "" && pinned !== current.metadata.resourceVersion) {
      throw conflict({ kind: t.info.resource, name: t.name }, STALE_MESSAGE);
    }
    const result = await writeOver(ctx, t, kv, patched);
    if (result.type === "ok") return result.obj;
  }
  throw conflict({ kind: t.info.resource, name: t.name }, STALE_MESSAGE);
}
