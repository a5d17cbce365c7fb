/** Namespace existence checks and the namespaces every cluster starts with. */

import { isBeingDeleted } from "../api/deletion.ts";
import { resourceByPath } from "../api/resources.ts";
import { ApiError, notFound } from "../machinery/status.ts";
import type { Storage } from "../storage/storage.ts";
import { decodeObject } from "./codec.ts";
import { objectKey } from "./keys.ts";

/** The Namespace resource. */
export const NAMESPACES = resourceByPath("", "namespaces")!;

/** Namespaces kube-apiserver creates at start and refuses to delete. */
export const SYSTEM_NAMESPACES: readonly string[] = ["default", "kube-system", "kube-public"];

/**
 * Throws as kube-apiserver's NamespaceLifecycle admission does for a create: 404 when the
 * namespace does not exist, 403 (cause NamespaceTerminating) while it is being deleted, so that
 * nothing new lands in a namespace the namespace controller is emptying.
 */
export async function requireActiveNamespace(
  storage: Storage,
  namespace: string,
  target: { kind: string; name: string; group?: string },
): Promise<void> {
  const kv = await storage.get(objectKey(NAMESPACES, undefined, namespace));
  if (!kv) throw notFound({ kind: "namespaces", name: namespace });
  if (!isBeingDeleted(decodeObject(kv))) return;
  const why = `unable to create new content in namespace ${namespace} because it is being terminated`;
  const qualified = target.group ? `${target.kind}.${target.group}` : target.kind;
  throw new ApiError(403, "Forbidden", `${qualified} "${target.name}" is forbidden: ${why}`, {
    ...target,
    causes: [{ reason: "NamespaceTerminating", message: why, field: "metadata.namespace" }],
  });
}
