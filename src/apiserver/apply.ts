/**
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`, what `kubectl apply
 * --server-side` sends). Simplified from Kubernetes: kdns keeps no `managedFields`, so there are
 * no field-manager conflicts and a field left out of a later apply is not removed; the applied
 * configuration is merged over the live object like a strategic merge patch, and an object that
 * does not exist yet is created from it.
 */
import type { KubeObject } from "../api/types.ts";
import { ApiError, badRequest } from "../machinery/status.ts";
import type { ApiContext } from "./context.ts";
import { createObject } from "./create.ts";
import { patchObject } from "./patch.ts";
import type { UpdateTarget } from "./update.ts";

/** The outcome: the object, and whether it was created (201) or merged (200). */
export interface ApplyResult {
  created: boolean;
  obj: KubeObject;
}

/** Applies a configuration (already parsed) to the object at `t`. */
export async function serverSideApply(ctx: ApiContext, t: UpdateTarget, applied: unknown): Promise<ApplyResult> {
  if (applied === null || typeof applied !== "object" || Array.isArray(applied)) {
    throw badRequest("an apply patch must be a YAML or JSON object");
  }
  const config = applied as Partial<KubeObject>;
  if (typeof config.apiVersion !== "string" || typeof config.kind !== "string") {
    throw badRequest("invalid object type: apiVersion and kind must be set in an apply patch");
  }
  try {
    return { created: false, obj: await patchObject(ctx, t, "application/apply-patch+yaml", config) };
  } catch (err) {
    if (
      !(err instanceof ApiError && err.code === 404 && err.status.details?.name === t.name) ||
      t.subresource !== undefined
    )
      throw err;
  }
  const body = structuredClone(config);
  body.metadata = { ...(body.metadata ?? {}), name: t.name };
  if (body.metadata.name !== t.name)
    throw badRequest(
      `the name of the object (${String(body.metadata.name)}) does not match the name on the URL (${t.name})`,
    );
  return { created: true, obj: await createObject(ctx, t.info, t.namespace, body) };
}
