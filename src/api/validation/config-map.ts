/**
 * ConfigMap validation (Kubernetes ValidateConfigMap and ValidateConfigMapUpdate): valid keys, no
 * key in both `data` and `binaryData`, 1 MiB in all, and nothing changes once `immutable` is true.
 */
import { isDeepStrictEqual } from "node:util";
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1123Subdomain } from "../../machinery/validate-names.ts";
import { keyPath } from "../byte-values.ts";
import type { KubeObject } from "../types.ts";
import {
  base64Size,
  immutableCauses,
  immutableUpdateCauses,
  keyCauses,
  MAX_DATA_BYTES,
  mapEntries,
} from "./byte-data.ts";
import { invalidValue, tooLong } from "./field-errors.ts";
import { isRecord } from "./guards.ts";
import { validateObjectMeta } from "./metadata.ts";

function sameMap(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a ?? {}, b ?? {});
}

/** Validates a ConfigMap; on update (`old` set) its data is fixed once `immutable` is true. */
export function validateConfigMap(obj: KubeObject, old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: true });
  if (old !== undefined) causes.push(...immutableUpdateCauses(obj, old, ["data", "binaryData"], sameMap));
  const binary = isRecord(obj["binaryData"]) ? obj["binaryData"] : {};
  let total = 0;
  for (const [key, value] of mapEntries(obj["data"], "data", causes)) {
    causes.push(...keyCauses("data", key));
    if (Object.hasOwn(binary, key))
      causes.push(...invalidValue(keyPath("data", key), key, "duplicate of key present in binaryData"));
    if (typeof value === "string") total += Buffer.byteLength(value, "utf8");
    else causes.push(...invalidValue(keyPath("data", key), value, "must be a string"));
  }
  for (const [key, value] of mapEntries(obj["binaryData"], "binaryData", causes)) {
    causes.push(...keyCauses("binaryData", key));
    total += base64Size(value, keyPath("binaryData", key), causes) ?? 0;
  }
  // Kubernetes reports the limit on the whole object, with an empty field path.
  if (total > MAX_DATA_BYTES) causes.push(tooLong("", MAX_DATA_BYTES));
  causes.push(...immutableCauses(obj["immutable"]));
  return causes;
}
