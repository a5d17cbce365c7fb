/**
 * The definitions every kind shares (meta.k8s.io/v1 and util/intstr): object and list metadata,
 * references, time stamps, conditions, and the request and response types the API paths name
 * (Status, DeleteOptions, WatchEvent, Patch).
 */
import {
  bool,
  byKey,
  freeForm,
  INT_OR_STRING,
  int32,
  int64,
  listOf,
  MERGED_SET,
  META,
  object,
  ref,
  str,
  stringMap,
  strings,
} from "./build.ts";
import type { Definition } from "./types.ts";

/** Definition names used across kinds. */
export const OBJECT_META = `${META}ObjectMeta`;
export const LIST_META = `${META}ListMeta`;
export const TIME = `${META}Time`;
export const MICRO_TIME = `${META}MicroTime`;
export const CONDITION = `${META}Condition`;
export const STATUS = `${META}Status`;
export const DELETE_OPTIONS = `${META}DeleteOptions`;
export const WATCH_EVENT = `${META}WatchEvent`;
export const PATCH = `${META}Patch`;

/** `apiVersion` and `kind`, the type meta every top-level object starts with. */
export const TYPE_META = {
  apiVersion: str(
    "The versioned schema of this representation of an object, as group/version (v1 for the core group). Servers convert recognized schemas to the latest internal value.",
  ),
  kind: str(
    "The REST resource this object represents, in CamelCase (Service, DNSRecord). Servers infer it from the endpoint the client submits requests to; it cannot be updated.",
  ),
};

/** The standard `metadata` field of an object. */
export function objectMetaField(): ReturnType<typeof ref> {
  return ref(
    OBJECT_META,
    "Standard object's metadata: name, namespace, labels, annotations and what the server records.",
  );
}

/** The shared definitions. `gvk` of the request/response types is filled by the OpenAPI builder. */
export const META_DEFINITIONS: Record<string, Definition> = {
  [OBJECT_META]: object(
    "Metadata every persisted object has: its name and namespace, labels and annotations, and the fields the server keeps (uid, resourceVersion, generation, creation time).",
    {
      name: str(
        "Name of the object, unique within its namespace (or the cluster for cluster-scoped kinds). Required when creating unless generateName is set; cannot be updated.",
      ),
      generateName: str(
        "A prefix the server uses to generate a unique name when name is not given: a random 5-character suffix is appended.",
      ),
      namespace: str(
        "The namespace the object lives in; an empty namespace is default. Cluster-scoped objects have none. Cannot be updated.",
      ),
      selfLink: str("Deprecated and never set by kdns."),
      uid: str("A unique value the server sets at creation, never reused for another object. Read-only."),
      resourceVersion: str(
        "An opaque value identifying this version of the object, changed by every write: send it back on update for optimistic concurrency, or use it to start a watch. Read-only.",
      ),
      generation: int64(
        "A sequence number of the desired state: the server increments it when anything but metadata and status changes. Read-only.",
      ),
      creationTimestamp: ref(TIME, "When the server created the object (RFC 3339, UTC). Read-only."),
      deletionTimestamp: ref(
        TIME,
        "When deletion was requested (plus a running pod's grace period), set by the server when a delete finds finalizers or a grace period; the object stays, read-only, until they are done. Read-only.",
      ),
      deletionGracePeriodSeconds: int64("Seconds allowed for a graceful termination before deletion. Read-only."),
      labels: stringMap(
        "Key/value pairs to organize and select objects (label selectors, Service selectors). Keys are an optional DNS-subdomain prefix and a name; values are at most 63 characters.",
      ),
      annotations: stringMap(
        "Key/value pairs of non-identifying information that tools and people store on the object; not used by selectors.",
      ),
      ownerReferences: listOf(
        ref(`${META}OwnerReference`),
        "The objects this one depends on, by uid: when every owner is gone the garbage collector deletes this object. kdns's controllers set one on the Endpoints and EndpointSlices they write for a Service.",
        byKey("uid"),
      ),
      finalizers: strings(
        "Names of finalizers that must be removed before the object is deleted: a delete only marks an object that has some, and the update that removes the last one completes the deletion. None may be added once deletion started.",
        MERGED_SET,
      ),
      managedFields: listOf(
        ref(`${META}ManagedFieldsEntry`),
        "Which manager set which fields, for server-side apply: one entry per manager, operation (Apply or Update) and subresource.",
        { listType: "atomic" },
      ),
    },
  ),
  [`${META}OwnerReference`]: object(
    "Names an owner of an object; the owner must be in the same namespace as the dependent, or cluster-scoped.",
    {
      apiVersion: str("API version of the owner."),
      kind: str("Kind of the owner."),
      name: str("Name of the owner."),
      uid: str("UID of the owner."),
      controller: bool("Whether this owner is the managing controller; at most one owner is."),
      blockOwnerDeletion: bool("Whether the owner waits for this dependent before it is deleted in the foreground."),
    },
    ["apiVersion", "kind", "name", "uid"],
  ),
  [`${META}ManagedFieldsEntry`]: object("The fields one manager owns, and how it last wrote them.", {
    manager: str("The manager's name (the field manager of the request)."),
    operation: str("The kind of write that set the fields: Apply or Update."),
    apiVersion: str("The version of the resource the fields were written with."),
    time: ref(TIME, "When the fields were last written."),
    fieldsType: str("The format of fieldsV1; only FieldsV1."),
    fieldsV1: ref(`${META}FieldsV1`, "The set of fields, in the FieldsV1 format."),
    subresource: str("The subresource written through, if any (status)."),
  }),
  [`${META}FieldsV1`]: {
    type: "free-form",
    description: "A set of field paths, as a JSON object of nested keys (the FieldsV1 format).",
  },
  [LIST_META]: object("Metadata of a list: the resourceVersion it was read at and the token for the next page.", {
    selfLink: str("Deprecated and never set by kdns."),
    resourceVersion: str(
      "The version of the collection the list was read at; start a watch from it to see every later change.",
    ),
    continue: str(
      "Set when the list was cut short by limit: send it as the continue parameter to read the next page of the same snapshot.",
    ),
    remainingItemCount: int64("How many items follow this page, when the server knows. kdns does not set it."),
  }),
  [TIME]: {
    type: "string",
    format: "date-time",
    description: "A time stamp in RFC 3339 form, to the second, in UTC (2024-05-01T12:00:00Z).",
  },
  [MICRO_TIME]: {
    type: "string",
    format: "date-time",
    description: "A time stamp in RFC 3339 form with microseconds (2024-05-01T12:00:00.000000Z).",
  },
  [INT_OR_STRING]: {
    type: "string",
    format: "int-or-string",
    description: "Either an integer or a string: a port number or the name of a port.",
  },
  [CONDITION]: object(
    "One aspect of an object's current state, as the Kubernetes API conventions define conditions.",
    {
      type: str("The aspect this condition is about, in CamelCase (Ready, Served)."),
      status: str("Whether the condition holds: True, False or Unknown.", { enum: ["False", "True", "Unknown"] }),
      observedGeneration: int64("The metadata.generation the condition was computed from."),
      lastTransitionTime: ref(TIME, "When the status last changed."),
      reason: str("A CamelCase word for why the condition has its status, for programs."),
      message: str("A sentence for people about the transition."),
    },
    ["type", "status"],
  ),
  [STATUS]: object("The result of a request that returns no object: a failure, or the success of a delete.", {
    ...TYPE_META,
    metadata: ref(LIST_META, "Standard list metadata."),
    status: str("Success or Failure."),
    message: str("What happened, for people."),
    reason: str("A CamelCase word for why the request failed (NotFound, AlreadyExists, Invalid, Conflict, …)."),
    details: ref(`${META}StatusDetails`, "More about the failure, depending on the reason."),
    code: int32("The HTTP status code of the response."),
  }),
  [`${META}StatusDetails`]: object("The object a failure is about, and the causes found in it.", {
    name: str("The name of the object, when the failure is about one."),
    group: str("The API group of the object."),
    kind: str("The resource (plural) of the object."),
    uid: str("The UID of the object, when known."),
    causes: listOf(ref(`${META}StatusCause`), "One entry per field that made the request fail.", {
      listType: "atomic",
    }),
    retryAfterSeconds: int32("When set, the request may succeed after this many seconds."),
  }),
  [`${META}StatusCause`]: object("One reason a request failed, on one field.", {
    reason: str("A CamelCase word for the cause (FieldValueInvalid, FieldValueRequired, …)."),
    message: str("What is wrong, for people."),
    field: str("The field that caused the failure, as a path (spec.ports[0].port)."),
  }),
  [DELETE_OPTIONS]: object("Options of a delete request.", {
    ...TYPE_META,
    gracePeriodSeconds: int64("Seconds before the object is deleted. kdns deletes at once."),
    preconditions: ref(`${META}Preconditions`, "Conditions the object must meet to be deleted."),
    orphanDependents: bool("Deprecated: use propagationPolicy."),
    propagationPolicy: str("Whether and how dependents are deleted: Orphan, Background or Foreground."),
    dryRun: strings("When present, the delete is not persisted; the only value is All."),
  }),
  [`${META}Preconditions`]: object("Conditions a delete requires of the object.", {
    resourceVersion: str("The object must have this resourceVersion."),
    uid: str("The object must have this UID."),
  }),
  [WATCH_EVENT]: object(
    "One event of a watch stream, one JSON object per line.",
    {
      type: str("ADDED, MODIFIED, DELETED, BOOKMARK or ERROR."),
      object: freeForm(
        "The object as it is after the event (as it was before a delete); a Status for ERROR; only kind, apiVersion and metadata.resourceVersion for BOOKMARK.",
      ),
    },
    ["type", "object"],
  ),
  [PATCH]: {
    type: "free-form",
    description:
      "A patch body: a JSON merge patch, a strategic merge patch, a JSON patch (an array of operations) or an apply configuration, by the request's content type.",
  },
};
