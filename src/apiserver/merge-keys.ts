/**
 * The list merge keys strategic merge patch uses for the kinds kdns serves, taken from the
 * `patchMergeKey` tags of the Kubernetes Go types (core/v1 types.go). Paths skip list levels:
 * `spec.containers.ports` is the `ports` list of any container. Lists without a key are replaced.
 */

/** How one list is merged: elements are the same when every key field is equal. */
export interface ListMergeKey {
  /** The patchMergeKey field. */
  key: string;
  /** Extra fields that must also match, with the default an absent field stands for (listMapKeys, e.g. protocol). */
  also?: Record<string, string>;
}

const TCP = { protocol: "TCP" };

const COMMON: Record<string, ListMergeKey> = {
  "metadata.ownerReferences": { key: "uid" },
};

const BY_RESOURCE: Record<string, Record<string, ListMergeKey>> = {
  services: {
    "spec.ports": { key: "port", also: TCP },
  },
  pods: {
    "spec.containers": { key: "name" },
    "spec.initContainers": { key: "name" },
    "spec.containers.ports": { key: "containerPort", also: TCP },
    "spec.initContainers.ports": { key: "containerPort", also: TCP },
    "spec.containers.env": { key: "name" },
    "spec.initContainers.env": { key: "name" },
    "spec.containers.volumeMounts": { key: "mountPath" },
    "spec.volumes": { key: "name" },
    "spec.tolerations": { key: "key" },
    "status.conditions": { key: "type" },
    "status.podIPs": { key: "ip" },
  },
  namespaces: {
    "status.conditions": { key: "type" },
  },
  dnsrecords: {
    "spec.paths": { key: "path" },
    "status.conditions": { key: "type" },
  },
};

/** The merge keys of a resource (by plural name); endpoints and endpointslices have none (lists replace). */
export function mergeKeysFor(resource: string): Record<string, ListMergeKey> {
  return { ...COMMON, ...(BY_RESOURCE[resource] ?? {}) };
}
