/**
 * The Kubernetes REST path grammar, resolved against the resource table:
 * `/api/v1/…` (core) and `/apis/{group}/{version}/…`, then
 * `{resource}[/{name}[/{sub}]]` or `namespaces/{ns}/{resource}[/{name}[/{sub}]]`.
 */
import { type ResourceInfo, resourceAtVersion } from "../api/resources.ts";

/** The subresources served: `/status` of kinds that have one, and the Namespace's `/finalize`. */
export type Subresource = "status" | "finalize";

/** What a request path names. */
export type Route =
  | { type: "api-versions" }
  | { type: "api-groups" }
  | { type: "api-group"; group: string }
  | { type: "resource-list"; group: string; version: string }
  | {
      type: "resource";
      info: ResourceInfo;
      /** The namespace in the path; undefined for cluster-scoped objects and all-namespace collections. */
      namespace: string | undefined;
      name: string | undefined;
      subresource: Subresource | undefined;
    }
  | { type: "unknown" };

function segments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split("/")
      .filter((s) => s !== "")
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** Resolves a URL path (no query string). */
export function resolveRoute(pathname: string): Route {
  const parts = segments(pathname);
  if (!parts || parts.length === 0) return { type: "unknown" };
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api") {
    if (parts.length === 1) return { type: "api-versions" };
    group = "";
    version = parts[1] ?? "";
    rest = parts.slice(2);
  } else if (parts[0] === "apis") {
    if (parts.length === 1) return { type: "api-groups" };
    group = parts[1] ?? "";
    if (parts.length === 2) return { type: "api-group", group };
    version = parts[2] ?? "";
    rest = parts.slice(3);
  } else {
    return { type: "unknown" };
  }
  if (rest.length === 0) return { type: "resource-list", group, version };
  return resourcePath(group, version, rest);
}

function find(group: string, version: string, resource: string | undefined): ResourceInfo | undefined {
  // A version the resource is not served at is a 404, as kube-apiserver answers it.
  return resource === undefined ? undefined : resourceAtVersion(group, version, resource);
}

function resourcePath(group: string, version: string, rest: string[]): Route {
  const [first, second, third, fourth, fifth] = rest;
  // namespaces/{ns}/{resource}[/{name}[/{sub}]] — only when {resource} is a namespaced resource of
  // this group; otherwise `namespaces/{name}/status` is the Namespace's own subresource.
  if (first === "namespaces" && second !== undefined && third !== undefined) {
    const info = find(group, version, third);
    if (info?.namespaced) {
      if (rest.length > 5) return { type: "unknown" };
      return objectRoute(info, second, fourth, fifth);
    }
  }
  const info = find(group, version, first);
  if (!info || rest.length > 3) return { type: "unknown" };
  if (info.namespaced && second !== undefined) return { type: "unknown" };
  return objectRoute(info, undefined, second, third);
}

function isNamespaces(info: ResourceInfo): boolean {
  return info.group === "" && info.resource === "namespaces";
}

function objectRoute(
  info: ResourceInfo,
  namespace: string | undefined,
  name: string | undefined,
  sub: string | undefined,
): Route {
  if (sub === undefined) return { type: "resource", info, namespace, name, subresource: undefined };
  if (sub === "status" && info.statusSubresource) return { type: "resource", info, namespace, name, subresource: sub };
  // kube-apiserver's namespace registry alone has FinalizeREST: the one way to change spec.finalizers.
  if (sub === "finalize" && isNamespaces(info)) return { type: "resource", info, namespace, name, subresource: sub };
  return { type: "unknown" };
}
