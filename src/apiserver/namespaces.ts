/** Namespace existence checks and the namespaces every cluster starts with. */
import { resourceByPath } from "../api/resources.ts";
import { notFound } from "../machinery/status.ts";
import type { Storage } from "../storage/storage.ts";
import { objectKey } from "./keys.ts";

/** The Namespace resource. */
export const NAMESPACES = resourceByPath("", "namespaces")!;

/** Namespaces kube-apiserver creates at start and refuses to delete. */
export const SYSTEM_NAMESPACES: readonly string[] = ["default", "kube-system", "kube-public"];

/** Throws 404 `namespaces "x" not found` unless the namespace exists. */
export async function requireNamespace(storage: Storage, namespace: string): Promise<void> {
  const kv = await storage.get(objectKey(NAMESPACES, undefined, namespace));
  if (!kv) throw notFound({ kind: "namespaces", name: namespace });
}
