/** Port-number, protocol and port-name checks shared by Services, Pods, Endpoints and slices. */
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1123Label, isValidPortName, isValidPortNum } from "../../machinery/validate-names.ts";
import { duplicateValue, invalidValue, notSupported, requiredValue } from "./field-errors.ts";

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
export function validatePortName(
  value: unknown,
  field: string,
  rule: (s: string) => string[] = isValidPortName,
): StatusCause[] {
  if (typeof value !== "string") return invalidValue(field, value, "must be a string");
  return invalidValue(field, value, ...rule(value));
}

/**
 * The name of one port in a list of Service or Endpoints ports: required when the list has
 * several (names key SRV records and Endpoints ports), a DNS-1123 label, unique among `seen`.
 * Kubernetes checks Endpoints ports for duplicates with the empty name too (`unnamedCount`).
 */
export function validateListedPortName(
  name: unknown,
  field: string,
  several: boolean,
  seen: Set<string>,
  unnamedCount = false,
): StatusCause[] {
  const unnamed = name === undefined || name === "";
  const causes = unnamed ? (several ? [requiredValue(field)] : []) : validatePortName(name, field, isDNS1123Label);
  const key = typeof name === "string" ? name : "";
  if (key !== "" || unnamedCount) {
    if (seen.has(key)) causes.push(duplicateValue(field, key));
    seen.add(key);
  }
  return causes;
}
