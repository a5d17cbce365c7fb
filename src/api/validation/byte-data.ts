/** Checks shared by the two kinds that carry data by key: Secrets and ConfigMaps. */
import { base64ByteLength, base64Fault } from "../../machinery/base64.ts";
import type { StatusCause } from "../../machinery/status.ts";
import { isConfigMapKey } from "../../machinery/validate-names.ts";
import { keyPath } from "../byte-values.ts";
import { forbidden, invalidValue } from "./field-errors.ts";
import { isRecord } from "./guards.ts";

/** Most bytes the values of one Secret or ConfigMap may hold together (Kubernetes' MaxSecretSize, 1 MiB). */
export const MAX_DATA_BYTES = 1024 * 1024;

/** What Kubernetes shows instead of a value that may be secret. */
export const REDACTED = "<secret contents redacted>";

/** A map field's entries, or a cause when it is there and not a map (its value is never echoed). */
export function mapEntries(value: unknown, field: string, causes: StatusCause[]): [string, unknown][] {
  if (value === undefined || value === null) return [];
  if (isRecord(value)) return Object.entries(value);
  causes.push(...invalidValue(field, REDACTED, "must be a map of keys to values"));
  return [];
}

/** The key causes of one data key: the key itself is echoed, as Kubernetes does. */
export function keyCauses(field: string, key: string): StatusCause[] {
  return invalidValue(keyPath(field, key), key, ...isConfigMapKey(key));
}

/**
 * The byte size of one base64 value (as stored, canonical), or undefined with a cause when it is
 * not base64; input conversion already refused such values, this only guards other callers.
 */
export function base64Size(value: unknown, field: string, causes: StatusCause[]): number | undefined {
  if (typeof value === "string" && base64Fault(value) < 0) return base64ByteLength(value.replace(/[\r\n]/g, ""));
  causes.push(...invalidValue(field, REDACTED, "must be a base64-encoded string"));
  return undefined;
}

/** `immutable`: absent or a boolean. */
export function immutableCauses(value: unknown): StatusCause[] {
  return value === undefined || value === null || typeof value === "boolean"
    ? []
    : invalidValue("immutable", value, "must be a boolean");
}

/**
 * On update of an object whose stored `immutable` is true: it stays true, and the given data
 * fields stay as they are (Kubernetes' wording, Forbidden on each).
 */
export function immutableUpdateCauses(
  obj: Record<string, unknown>,
  old: Record<string, unknown>,
  fields: readonly string[],
  same: (a: unknown, b: unknown) => boolean,
): StatusCause[] {
  if (old["immutable"] !== true) return [];
  const why = "field is immutable when `immutable` is set";
  const causes: StatusCause[] = [];
  if (obj["immutable"] !== true) causes.push(forbidden("immutable", why));
  for (const field of fields) if (!same(obj[field], old[field])) causes.push(forbidden(field, why));
  return causes;
}
