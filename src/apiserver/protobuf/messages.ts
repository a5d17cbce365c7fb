/**
 * The protobuf field numbers of the objects kdns reads as protobuf, from the `protobuf:` tags of
 * the Kubernetes Go types (k8s.io/api/core/v1, k8s.io/apimachinery meta/v1). Only what these
 * objects carry on a write is listed; other fields (selfLink, managedFields) are skipped.
 */
import type { MessageSchema } from "../../machinery/protobuf.ts";

/** metav1.Time: seconds and nanos → RFC 3339, as its JSON form; unset → left out. */
const TIME: MessageSchema = { 1: { name: "seconds", type: "int" }, 2: { name: "nanos", type: "int" } };

function rfc3339(fields: Record<string, unknown>): string | undefined {
  const seconds = fields["seconds"];
  if (typeof seconds !== "number") return undefined;
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const TIME_FIELD = { message: TIME, convert: rfc3339 };

/** metav1.OwnerReference. */
const OWNER_REFERENCE: MessageSchema = {
  1: { name: "kind", type: "string" },
  3: { name: "name", type: "string" },
  4: { name: "uid", type: "string" },
  5: { name: "apiVersion", type: "string" },
  6: { name: "controller", type: "bool" },
  7: { name: "blockOwnerDeletion", type: "bool" },
};

/** metav1.ObjectMeta. */
const OBJECT_META: MessageSchema = {
  1: { name: "name", type: "string" },
  2: { name: "generateName", type: "string" },
  3: { name: "namespace", type: "string" },
  5: { name: "uid", type: "string" },
  6: { name: "resourceVersion", type: "string" },
  7: { name: "generation", type: "int" },
  8: { name: "creationTimestamp", type: TIME_FIELD },
  9: { name: "deletionTimestamp", type: TIME_FIELD },
  10: { name: "deletionGracePeriodSeconds", type: "int" },
  11: { name: "labels", type: "stringMap" },
  12: { name: "annotations", type: "stringMap" },
  13: { name: "ownerReferences", type: { message: OWNER_REFERENCE, repeated: true } },
  14: { name: "finalizers", type: "strings" },
};

/** corev1.Secret: `data` values are bytes, so they arrive raw and leave as base64. */
const SECRET: MessageSchema = {
  1: { name: "metadata", type: { message: OBJECT_META } },
  2: { name: "data", type: "bytesMap" },
  3: { name: "type", type: "string" },
  4: { name: "stringData", type: "stringMap" },
  5: { name: "immutable", type: "bool" },
};

/** corev1.ConfigMap. */
const CONFIG_MAP: MessageSchema = {
  1: { name: "metadata", type: { message: OBJECT_META } },
  2: { name: "data", type: "stringMap" },
  3: { name: "binaryData", type: "bytesMap" },
  4: { name: "immutable", type: "bool" },
};

/** The schema of each kind read as protobuf, by `apiVersion/kind`. */
export const PROTOBUF_KINDS: Readonly<Record<string, MessageSchema>> = {
  "v1/Secret": SECRET,
  "v1/ConfigMap": CONFIG_MAP,
};
