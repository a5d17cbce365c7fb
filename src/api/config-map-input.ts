/**
 * A ConfigMap as written to the API → the stored form, as kube-apiserver decodes it: `data`
 * values must be strings and `binaryData` values base64, else the body is a 400.
 */
import { decodeBase64Map, decodeStringMap } from "./byte-values.ts";
import { isRecord } from "./validation/guards.ts";

/** Converts a ConfigMap body in place and returns it; anything that is not an object is returned as it is. */
export function convertConfigMapInput(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  decodeStringMap(raw, "data", "ConfigMap");
  decodeBase64Map(raw, "binaryData", "ConfigMap");
  return raw;
}
