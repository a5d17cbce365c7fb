/**
 * Discovery documents (`/api`, `/api/v1`, `/apis`, `/apis/{group}`, `/apis/{group}/{version}`)
 * built from the resource table, in the unaggregated shapes kubectl and client-go fall back to.
 */
import { apiVersionOf, type ResourceInfo, SERVED_RESOURCES } from "../api/resources.ts";
import { compareVersionPriority } from "../api/version-priority.ts";

const MAIN_VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];
const STATUS_VERBS = ["get", "patch", "update"];

/** `GET /api`: metav1.APIVersions. */
export function apiVersions(serverAddress: string): unknown {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groupNames(): string[] {
  return [...new Set(SERVED_RESOURCES.filter((r) => r.group !== "").map((r) => r.group))];
}

/** Every version of the group, by Kubernetes' version priority: the first is the preferred one. */
function apiGroup(name: string): unknown {
  const names = [...new Set(SERVED_RESOURCES.filter((r) => r.group === name).map((r) => r.version))];
  const versions = names
    .sort(compareVersionPriority)
    .map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { kind: "APIGroup", apiVersion: "v1", name, versions, preferredVersion: versions[0] };
}

/** `GET /apis`: metav1.APIGroupList of the named groups (the core group is under `/api`). */
export function apiGroupList(): unknown {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: groupNames().map((name) => {
      const { kind: _k, apiVersion: _a, ...group } = apiGroup(name) as Record<string, unknown>;
      return group;
    }),
  };
}

/** `GET /apis/{group}`: metav1.APIGroup, or undefined for a group kdns does not serve. */
export function apiGroupDocument(group: string): unknown {
  return groupNames().includes(group) ? apiGroup(group) : undefined;
}

function resourceEntries(info: ResourceInfo): unknown[] {
  const main = {
    name: info.resource,
    singularName: info.singular,
    namespaced: info.namespaced,
    kind: info.kind,
    verbs: MAIN_VERBS,
    ...(info.shortNames.length > 0 ? { shortNames: info.shortNames } : {}),
  };
  const sub = (name: string, verbs: readonly string[]) => ({
    name: `${info.resource}/${name}`,
    singularName: "",
    namespaced: info.namespaced,
    kind: info.kind,
    verbs,
  });
  return [
    main,
    ...(info.statusSubresource ? [sub("status", STATUS_VERBS)] : []),
    ...(info.group === "" && info.resource === "namespaces" ? [sub("finalize", ["update"])] : []),
  ];
}

/** `GET /api/v1` or `/apis/{group}/{version}`: metav1.APIResourceList, or undefined when not served. */
export function apiResourceList(group: string, version: string): unknown {
  const infos = SERVED_RESOURCES.filter((r) => r.group === group && r.version === version);
  if (infos.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf({ group, version }),
    resources: infos.flatMap(resourceEntries),
  };
}
