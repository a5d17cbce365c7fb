/**
 * Field causes worded like Kubernetes' `field.Error.ErrorBody()` (apimachinery
 * pkg/util/validation/field), so `kubectl` users see the messages they know, e.g.
 * `spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive`.
 */
import type { StatusCause } from "../../machinery/status.ts";

/** Values echoed in messages are cut here: a 100 KB hostile path need not come back whole. */
const ECHO_MAX = 256;

/** The value as Kubernetes echoes it: strings quoted and escaped (so control characters stay visible). */
export function showValue(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else if (value === undefined) text = "null";
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > ECHO_MAX ? `${text.slice(0, ECHO_MAX)}...` : text;
}

/** `FieldValueInvalid`: one cause per message, as Kubernetes lists them. */
export function invalidValue(field: string, value: unknown, ...details: string[]): StatusCause[] {
  return details.map((d) => ({
    field,
    reason: "FieldValueInvalid",
    message: `Invalid value: ${showValue(value)}: ${d}`,
  }));
}

/**
 * `FieldValueInvalid` without the value (Kubernetes' `omitValue`: "Invalid value: detail"), for a
 * value that may hold a secret.
 */
export function invalidOmitted(field: string, detail: string): StatusCause {
  return { field, reason: "FieldValueInvalid", message: `Invalid value: ${detail}` };
}

/** `FieldValueRequired`. */
export function requiredValue(field: string, detail?: string): StatusCause {
  return { field, reason: "FieldValueRequired", message: detail ? `Required value: ${detail}` : "Required value" };
}

/** `FieldValueDuplicate`. */
export function duplicateValue(field: string, value: unknown): StatusCause {
  return { field, reason: "FieldValueDuplicate", message: `Duplicate value: ${showValue(value)}` };
}

/** `FieldValueNotSupported`, listing what is. */
export function notSupported(
  field: string,
  value: unknown,
  supported: readonly string[],
  detail?: string,
): StatusCause {
  const list = supported.map((s) => JSON.stringify(s)).join(", ");
  const why = detail ? `${detail}; supported values: ${list}` : `supported values: ${list}`;
  return { field, reason: "FieldValueNotSupported", message: `Unsupported value: ${showValue(value)}: ${why}` };
}

/** `FieldValueForbidden`. */
export function forbidden(field: string, detail: string): StatusCause {
  return { field, reason: "FieldValueForbidden", message: `Forbidden: ${detail}` };
}

/** `FieldValueTooLong`: the limit is in the message, the value never is. */
export function tooLong(field: string, maxBytes: number): StatusCause {
  return { field, reason: "FieldValueTooLong", message: `Too long: may not be more than ${maxBytes} bytes` };
}
