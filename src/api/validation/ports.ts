/** Port-number, protocol and port-name checks shared by Services, Pods, Endpoints and slices. */
import type { StatusCause } from "../../machinery/status.ts";
import { isValidPortName, isValidPortNum } from "../../machinery/validate-names.ts";
import { invalidValue, notSupported, requiredValue } from "./field-errors.ts";

/** The transport protocols Kubernetes allows on ports. */
export const PROTOCOLS: readonly string[] = ["SCTP", "TCP", "UDP"];

/** A required port number 1–65535. */
export function validatePortNumber(value: unknown, field: string): StatusCause[] {
  if (value === undefined || value === null) return [requiredValue(field)];
  if (typeof value !== "number") return invalidValue(field, value, "must be between 1 and 65535, inclusive");
  return invalidValue(field, value, ...isValidPortNum(value));
}

/** An optional protocol (defaulting fills TCP); when present one of {@link PROTOCOLS}. */
export function validateProtocol(value: unknown, field: string): StatusCause[] {
  if (value === undefined) return [];
  return typeof value === "string" && PROTOCOLS.includes(value) ? [] : [notSupported(field, value, PROTOCOLS)];
}

/** A port name under `rule` (IANA_SVC_NAME or DNS-1123 label); non-strings are invalid. */
export function validatePortName(value: unknown, field: string, rule: (s: string) => string[] = isValidPortName): StatusCause[] {
  if (typeof value !== "string") return invalidValue(field, value, "must be a string");
  return invalidValue(field, value, ...rule(value));
}
