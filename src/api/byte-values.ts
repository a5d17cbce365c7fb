/**
 * Decoding the base64 value maps of Secrets (`data`) and ConfigMaps (`binaryData`) the way
 * kube-apiserver decodes a request body: a value that is not a base64 string makes the whole body
 * undecodable (400 BadRequest, "cannot be handled as a Secret"), before defaulting and validation
 * run. Messages name the field and key and never the value, which may be secret.
 */
import { Base64Error, canonicalBase64 } from "../machinery/base64.ts";
import { type ApiError, badRequest } from "../machinery/status.ts";
import { isRecord } from "./validation/guards.ts";

/** Longest key echoed in a decoding error; keys longer than this are invalid anyway (253). */
const KEY_ECHO_MAX = 256;

/** The path of one key of a map field, as Kubernetes writes it: `data[tls.crt]`. */
export function keyPath(field: string, key: string): string {
  return `${field}[${key.length > KEY_ECHO_MAX ? `${key.slice(0, KEY_ECHO_MAX)}...` : key}]`;
}

/** 400 for a body of `kind` (core/v1) that cannot be decoded, as kube-apiserver words it. */
export function cannotHandle(kind: string, detail: string): ApiError {
  return badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: ${detail}`);
}

function sortedEntries<T>(map: Record<string, T>): [string, T][] {
  return Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The same map with its keys in byte order, as Go writes maps to JSON. */
export function sortedMap<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(sortedEntries(map));
}

/**
 * Replaces `obj[field]` with the same map whose values are canonical base64, keys sorted (as
 * Kubernetes writes maps); a null map is dropped and a null value is empty. Throws the 400 of
 * {@link cannotHandle} for anything else.
 */
export function decodeBase64Map(obj: Record<string, unknown>, field: string, kind: string): void {
  const map = obj[field];
  if (map === undefined) return;
  if (map === null) {
    delete obj[field];
    return;
  }
  if (!isRecord(map)) throw cannotHandle(kind, `${field}: must be a map of keys to base64-encoded values`);
  const out: Record<string, string> = {};
  for (const [key, value] of sortedEntries(map)) {
    if (value === null) {
      out[key] = "";
      continue;
    }
    if (typeof value !== "string") throw cannotHandle(kind, `${keyPath(field, key)}: must be a base64-encoded string`);
    try {
      out[key] = canonicalBase64(value);
    } catch (err) {
      if (err instanceof Base64Error) throw cannotHandle(kind, `${keyPath(field, key)}: ${err.message}`);
      throw err;
    }
  }
  obj[field] = out;
}

/**
 * Checks that `obj[field]` is a map of strings (a null map is dropped, a null value is empty) and
 * sorts its keys; throws the 400 of {@link cannotHandle} otherwise. Returns the map, if any.
 */
export function decodeStringMap(
  obj: Record<string, unknown>,
  field: string,
  kind: string,
): Record<string, string> | undefined {
  const map = obj[field];
  if (map === undefined) return undefined;
  if (map === null) {
    delete obj[field];
    return undefined;
  }
  if (!isRecord(map)) throw cannotHandle(kind, `${field}: must be a map of keys to strings`);
  const out: Record<string, string> = {};
  for (const [key, value] of sortedEntries(map)) {
    if (value !== null && typeof value !== "string")
      throw cannotHandle(kind, `${keyPath(field, key)}: must be a string`);
    out[key] = value ?? "";
  }
  obj[field] = out;
  return out;
}
