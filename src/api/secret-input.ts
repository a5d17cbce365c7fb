/**
 * A Secret as written to the API → the stored form, as kube-apiserver's decoding and v1
 * conversion do it: `data` values must be base64 (else 400), and the write-only `stringData` is
 * merged into `data` (its values win) and dropped, so it is never stored or returned.
 */
import { decodeBase64Map, decodeStringMap, sortedMap } from "./byte-values.ts";
import { isRecord } from "./validation/guards.ts";

/** Converts a Secret body in place and returns it; anything that is not an object is returned as it is. */
export function convertSecretInput(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  decodeBase64Map(raw, "data", "Secret");
  const strings = decodeStringMap(raw, "stringData", "Secret");
  if (strings === undefined) return raw;
  delete raw["stringData"];
  if (Object.keys(strings).length === 0) return raw;
  const data: Record<string, string> = { ...((raw["data"] as Record<string, string> | undefined) ?? {}) };
  for (const [key, value] of Object.entries(strings)) data[key] = Buffer.from(value, "utf8").toString("base64");
  raw["data"] = sortedMap(data);
  return raw;
}
