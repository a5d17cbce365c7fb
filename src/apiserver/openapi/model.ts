/**
 * What the API serves, in one neutral form both OpenAPI documents are written from (v3.ts and
 * v2.ts): the paths and operations of every resource in the resource table, and every schema
 * definition (the kinds' own from src/api/schemas, their lists, and the shared meta types with
 * the group-version-kinds kube-apiserver gives them), at every version each resource is served at.
 * Built once; the table does not change.
 */
import { apiVersionOf, type ResourceInfo, SERVED_RESOURCES } from "../../api/resources.ts";
import { definitionsOf } from "../../api/schemas/index.ts";
import { DELETE_OPTIONS, LIST_META, PATCH, STATUS, TYPE_META, WATCH_EVENT } from "../../api/schemas/meta.ts";
import type { Definition, GroupVersionKind } from "../../api/schemas/types.ts";

/** A query or path parameter. */
export interface Param {
  name: string;
  in: "query" | "path";
  type: "string" | "integer" | "boolean";
  description: string;
  required?: boolean;
}

/** An HTTP verb on a path. */
export interface Operation {
  method: "get" | "put" | "post" | "patch" | "delete";
  operationId: string;
  description: string;
  /** `x-kubernetes-action`. */
  action: "list" | "get" | "post" | "put" | "patch" | "delete";
  gvk: GroupVersionKind;
  params: Param[];
  /** The definition the request body is, when there is one. */
  body?: string;
  consumes: string[];
  produces: string[];
  /** Status code → description and the definition returned. */
  responses: Record<string, { description: string; schema?: string }>;
}

/** One path of one group version. */
export interface ApiPath {
  path: string;
  /** `api/v1` or `apis/{group}/{version}`: the OpenAPI v3 document it belongs to. */
  groupVersion: string;
  /** Parameters of every operation on the path. */
  params: Param[];
  operations: Operation[];
}

const JSON_TYPES = ["application/json", "application/yaml"];
const WATCH_TYPES = [...JSON_TYPES, "application/json;stream=watch"];
const PATCH_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

function q(name: string, type: Param["type"], description: string): Param {
  return { name, in: "query", type, description };
}

const PRETTY = q("pretty", "string", "If 'true', the output is indented.");
const NAMESPACE = {
  name: "namespace",
  in: "path",
  type: "string",
  required: true,
  description: "The object's namespace.",
} satisfies Param;
const NAME = {
  name: "name",
  in: "path",
  type: "string",
  required: true,
  description: "The object's name.",
} satisfies Param;

const LIST_PARAMS: Param[] = [
  q("allowWatchBookmarks", "boolean", "With watch: also send BOOKMARK events carrying the latest resourceVersion."),
  q("continue", "string", "The token from the previous page's metadata.continue, to read the next page."),
  q(
    "fieldSelector",
    "string",
    "Only objects whose fields match: metadata.name, metadata.namespace and per-kind fields.",
  ),
  q("labelSelector", "string", "Only objects whose labels match the selector (app=web,tier!=db,env in (a,b))."),
  q("limit", "integer", "At most this many objects; metadata.continue then names the next page."),
  q(
    "resourceVersion",
    "string",
    "For a watch: start after this version. For a list: with resourceVersionMatch=Exact, read at it.",
  ),
  q(
    "resourceVersionMatch",
    "string",
    "How resourceVersion applies: Exact for a list, NotOlderThan with sendInitialEvents.",
  ),
  q("sendInitialEvents", "boolean", "With watch: start with the current objects, then a BOOKMARK marking their end."),
  q("timeoutSeconds", "integer", "End a watch after this many seconds."),
  q("watch", "boolean", "Stream the changes (ADDED, MODIFIED, DELETED) instead of listing."),
];
const WRITE_PARAMS: Param[] = [
  q("dryRun", "string", "When present, the change is not persisted; the only value is All."),
  q("fieldManager", "string", "The name of the actor making the change, for server-side apply."),
  q(
    "fieldValidation",
    "string",
    "How to treat unknown or duplicate fields: Ignore, Warn or Strict. kdns keeps unknown fields.",
  ),
];
const PATCH_PARAMS: Param[] = [
  ...WRITE_PARAMS,
  q("force", "boolean", "Server-side apply: take fields other managers own. kdns reports no conflicts."),
];
const DELETE_PARAMS: Param[] = [
  q("dryRun", "string", "When present, the delete is not persisted; the only value is All."),
  q("gracePeriodSeconds", "integer", "Seconds before deletion. kdns deletes at once."),
  q("propagationPolicy", "string", "Orphan, Background or Foreground deletion of dependents."),
];

const capitalized = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

/** `CoreV1`, `KdnsDevV1`, `GatewayNetworkingV1beta1`: the group-version part of kube-apiserver's operation ids. */
function opGroup(info: ResourceInfo): string {
  const words = (info.group === "" ? "core" : info.group.replace(/\.k8s\.io$/, "")).split(/[.-]/);
  return `${words.map(capitalized).join("")}${capitalized(info.version)}`;
}

function gvPath(info: Pick<ResourceInfo, "group" | "version">): string {
  return info.group === "" ? `api/${info.version}` : `apis/${info.group}/${info.version}`;
}

/** The definition name of a kind's list. */
export function listName(info: ResourceInfo): string {
  return `${info.schema.name}List`;
}

function ok(schema: string): Operation["responses"] {
  return { "200": { description: "OK", schema }, "401": { description: "Unauthorized" } };
}

function created(schema: string): Operation["responses"] {
  return {
    "200": { description: "OK", schema },
    "201": { description: "Created", schema },
    "401": { description: "Unauthorized" },
  };
}

function resourcePaths(info: ResourceInfo): ApiPath[] {
  const base = `/${gvPath(info)}`;
  const ns = info.namespaced ? "Namespaced" : "";
  const id = (verb: string, suffix = ""): string => `${verb}${opGroup(info)}${ns}${info.kind}${suffix}`;
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  const kind = info.schema.name;
  const where = info.namespaced ? `${info.kind} objects in a namespace` : `${info.kind} objects`;
  const scope = info.namespaced ? [NAMESPACE] : [];
  const collection = info.namespaced ? `${base}/namespaces/{namespace}/${info.resource}` : `${base}/${info.resource}`;
  const op = (o: Omit<Operation, "gvk" | "consumes" | "produces"> & Partial<Operation>): Operation => ({
    gvk,
    consumes: ["*/*"],
    produces: JSON_TYPES,
    ...o,
  });
  const paths: ApiPath[] = [
    {
      path: collection,
      groupVersion: gvPath(info),
      params: [...scope, PRETTY],
      operations: [
        op({
          method: "get",
          operationId: id("list"),
          description: `List or watch ${where}.`,
          action: "list",
          params: LIST_PARAMS,
          produces: WATCH_TYPES,
          responses: ok(listName(info)),
        }),
        op({
          method: "post",
          operationId: id("create"),
          description: `Create a ${info.kind}.`,
          action: "post",
          params: WRITE_PARAMS,
          body: kind,
          responses: created(kind),
        }),
      ],
    },
    {
      path: `${collection}/{name}`,
      groupVersion: gvPath(info),
      params: [NAME, ...scope, PRETTY],
      operations: [
        op({
          method: "get",
          operationId: id("read"),
          description: `Read a ${info.kind}.`,
          action: "get",
          params: [],
          responses: ok(kind),
        }),
        op({
          method: "put",
          operationId: id("replace"),
          description: `Replace a ${info.kind}.`,
          action: "put",
          params: WRITE_PARAMS,
          body: kind,
          responses: created(kind),
        }),
        op({
          method: "patch",
          operationId: id("patch"),
          description: `Partially update a ${info.kind}: a JSON patch, a JSON merge patch, a strategic merge patch or a server-side apply.`,
          action: "patch",
          params: PATCH_PARAMS,
          body: PATCH,
          consumes: PATCH_TYPES,
          responses: created(kind),
        }),
        op({
          method: "delete",
          operationId: id("delete"),
          description: `Delete a ${info.kind}; the response is the object as it was.`,
          action: "delete",
          params: DELETE_PARAMS,
          body: DELETE_OPTIONS,
          responses: { ...ok(kind), "202": { description: "Accepted", schema: kind } },
        }),
      ],
    },
  ];
  if (info.statusSubresource) {
    paths.push({
      path: `${collection}/{name}/status`,
      groupVersion: gvPath(info),
      params: [NAME, ...scope, PRETTY],
      operations: [
        op({
          method: "get",
          operationId: id("read", "Status"),
          description: `Read the status of a ${info.kind}.`,
          action: "get",
          params: [],
          responses: ok(kind),
        }),
        op({
          method: "put",
          operationId: id("replace", "Status"),
          description: `Replace the status of a ${info.kind}.`,
          action: "put",
          params: WRITE_PARAMS,
          body: kind,
          responses: created(kind),
        }),
        op({
          method: "patch",
          operationId: id("patch", "Status"),
          description: `Partially update the status of a ${info.kind}.`,
          action: "patch",
          params: PATCH_PARAMS,
          body: PATCH,
          consumes: PATCH_TYPES,
          responses: created(kind),
        }),
      ],
    });
  }
  if (info.namespaced) {
    paths.push({
      path: `${base}/${info.resource}`,
      groupVersion: gvPath(info),
      params: [PRETTY],
      operations: [
        op({
          method: "get",
          operationId: `list${opGroup(info)}${info.kind}ForAllNamespaces`,
          description: `List or watch ${info.kind} objects in every namespace.`,
          action: "list",
          params: LIST_PARAMS,
          produces: WATCH_TYPES,
          responses: ok(listName(info)),
        }),
      ],
    });
  }
  return paths;
}

function listDefinition(info: ResourceInfo): Definition {
  return {
    type: "object",
    description: `A list of ${info.kind} objects.`,
    properties: {
      ...TYPE_META,
      metadata: { type: "ref", ref: LIST_META, description: "Standard list metadata." },
      items: { type: "array", items: { type: "ref", ref: info.schema.name }, description: `The ${info.kind} objects.` },
    },
    required: ["items"],
    gvk: [{ group: info.group, version: info.version, kind: `${info.kind}List` }],
  };
}

function servedGroupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of SERVED_RESOURCES) seen.set(apiVersionOf(r), { group: r.group, version: r.version });
  return [...seen.values()];
}

let paths: ApiPath[] | undefined;
let definitions: Record<string, Definition> | undefined;

/** Every path the API serves, resource by resource. */
export function apiPaths(): ApiPath[] {
  paths ??= SERVED_RESOURCES.flatMap(resourcePaths);
  return paths;
}

/** Every definition, by name: the kinds', their lists', and the shared ones. */
export function apiDefinitions(): Record<string, Definition> {
  if (definitions) return definitions;
  const defs = { ...definitionsOf(SERVED_RESOURCES.map((r) => r.schema)) };
  // Versions that share a schema (no `schema` of their own) share its definition, which names each.
  const kinds = new Map<string, GroupVersionKind[]>();
  for (const info of SERVED_RESOURCES) {
    const gvk = kinds.get(info.schema.name) ?? [];
    kinds.set(info.schema.name, [...gvk, { group: info.group, version: info.version, kind: info.kind }]);
    const list = listDefinition(info);
    defs[listName(info)] = { ...list, gvk: [...(defs[listName(info)]?.gvk ?? []), ...(list.gvk ?? [])] };
  }
  for (const [name, gvk] of kinds) {
    const root = defs[name];
    if (root) defs[name] = { ...root, gvk };
  }
  // As kube-apiserver: the request and response types every group version uses carry each of their kinds.
  const each = (kind: string): GroupVersionKind[] => servedGroupVersions().map((gv) => ({ ...gv, kind }));
  const withGvk = (name: string, gvk: GroupVersionKind[]): void => {
    const def = defs[name];
    if (def) defs[name] = { ...def, gvk };
  };
  withGvk(STATUS, [{ group: "", version: "v1", kind: "Status" }]);
  withGvk(DELETE_OPTIONS, each("DeleteOptions"));
  withGvk(WATCH_EVENT, each("WatchEvent"));
  definitions = defs;
  return defs;
}
