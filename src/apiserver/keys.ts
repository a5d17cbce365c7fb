/**
 * Relative storage keys of API objects: `<group|core>/<resource>/<ns>/<name>` for namespaced
 * objects and `<group|core>/<resource>/<name>` for cluster-scoped ones, so a namespace (or a whole
 * resource) is one key prefix for list and watch. The backend adds its own prefix.
 */
import type { ResourceInfo } from "../api/resources.ts";

function groupSegment(info: Pick<ResourceInfo, "group">): string {
  return info.group === "" ? "core" : info.group;
}

/** The key prefix holding every object of a resource, or only those in `namespace`. */
export function collectionPrefix(
  info: Pick<ResourceInfo, "group" | "resource" | "namespaced">,
  namespace?: string,
): string {
  const base = `${groupSegment(info)}/${info.resource}/`;
  return info.namespaced && namespace !== undefined ? `${base}${namespace}/` : base;
}

/** The key of one object. */
export function objectKey(
  info: Pick<ResourceInfo, "group" | "resource" | "namespaced">,
  namespace: string | undefined,
  name: string,
): string {
  return `${collectionPrefix(info, info.namespaced ? (namespace ?? "") : undefined)}${name}`;
}
