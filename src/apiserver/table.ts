/**
 * Server-side tables (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), which kubectl asks
 * for on every `get`: the columns of src/api/table-columns.ts (the kubectl printers'), with
 * `-o wide` columns at priority 1, and each row carrying the object's metadata
 * (`includeObject=Metadata`, the default) so kubectl can add NAMESPACE and label columns.
 */
import type { ResourceInfo } from "../api/resources.ts";
import { type Column, columnsFor } from "../api/table-columns.ts";
import type { KubeObject } from "../api/types.ts";
import { age } from "../machinery/age.ts";

function field(obj: KubeObject, name: string): string {
  const v = obj[name];
  return typeof v === "string" || typeof v === "number" ? String(v) : "";
}

/** kubectl's event columns (printers.go eventColumnDefinitions, abridged). */
const EVENT_COLUMNS: Column[] = [
  {
    name: "LAST SEEN",
    cell: (o, now) => age(field(o, "lastTimestamp") || field(o, "eventTime") || o.metadata.creationTimestamp, now),
  },
  { name: "TYPE", cell: (o) => field(o, "type") },
  { name: "REASON", cell: (o) => field(o, "reason") },
  {
    name: "OBJECT",
    cell: (o) => {
      const ref = (o["involvedObject"] ?? {}) as { kind?: string; name?: string };
      return `${(ref.kind ?? "").toLowerCase()}/${ref.name ?? ""}`;
    },
  },
  { name: "MESSAGE", cell: (o) => field(o, "message") },
  { name: "NAME", wide: true, cell: (o) => o.metadata.name ?? "" },
];

function columnsOf(info: ResourceInfo): Column[] {
  return info.group === "" && info.resource === "events" ? EVENT_COLUMNS : columnsFor(info.resource, true);
}

/** The `meta.k8s.io` version of Table a request accepts, or undefined when it wants plain objects. */
export function acceptedTableVersion(accept: string | undefined): "v1" | "v1beta1" | undefined {
  for (const part of (accept ?? "").split(",")) {
    const params = new Map(
      part
        .split(";")
        .slice(1)
        .map((p) => {
          const [k, v] = p.trim().split("=");
          return [k ?? "", v ?? ""] as const;
        }),
    );
    if (params.get("as") !== "Table" || params.get("g") !== "meta.k8s.io") continue;
    const v = params.get("v");
    if (v === "v1" || v === "v1beta1") return v;
  }
  return undefined;
}

/** What the rows carry besides cells (`?includeObject=`). */
export type IncludeObject = "None" | "Metadata" | "Object";

/** `includeObject` from a query; Kubernetes' default is Metadata. */
export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const v = query.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}

/** Options of {@link toTable}. */
export interface TableOptions {
  version: "v1" | "v1beta1";
  include: IncludeObject;
  /** Column definitions are left out (kube-apiserver sends them on the first watch event only). */
  noHeaders?: boolean;
  listMeta?: { resourceVersion?: string; continue?: string };
  now?: number;
}

/** The annotation `kubectl apply` keeps the whole applied manifest in: for a Secret, its data too. */
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * The metadata a row carries. A Secret's drops the last-applied annotation, which holds its data
 * (a table is for listing, and kubectl reads only names, namespaces and labels from it); the
 * object itself is sent only when asked for (`includeObject=Object`), as by a plain GET.
 */
function rowMetadata(info: ResourceInfo, obj: KubeObject): KubeObject["metadata"] {
  const annotations = obj.metadata.annotations;
  if (!(info.group === "" && info.resource === "secrets") || annotations?.[LAST_APPLIED] === undefined)
    return obj.metadata;
  const { [LAST_APPLIED]: _dropped, ...rest } = annotations;
  return { ...obj.metadata, annotations: rest };
}

function rowObject(info: ResourceInfo, obj: KubeObject, include: IncludeObject, version: string): unknown {
  if (include === "Object") return obj;
  if (include === "None") return undefined;
  return { kind: "PartialObjectMetadata", apiVersion: `meta.k8s.io/${version}`, metadata: rowMetadata(info, obj) };
}

/** A `meta.k8s.io` Table of `objects` of resource `info`. */
export function toTable(
  info: ResourceInfo,
  objects: readonly KubeObject[],
  options: TableOptions,
): Record<string, unknown> {
  const now = options.now ?? Date.now();
  const columns = columnsOf(info);
  const columnDefinitions = options.noHeaders
    ? []
    : columns.map((c) => ({
        name: c.name,
        type: "string",
        format: c.name === "NAME" ? "name" : "",
        description: "",
        priority: c.wide ? 1 : 0,
      }));
  const rows = objects.map((obj) => {
    const object = rowObject(info, obj, options.include, options.version);
    return { cells: columns.map((c) => c.cell(obj, now)), ...(object !== undefined ? { object } : {}) };
  });
  return {
    kind: "Table",
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata: { ...(options.listMeta ?? {}) },
    columnDefinitions,
    rows,
  };
}
