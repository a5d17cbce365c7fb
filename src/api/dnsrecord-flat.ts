/**
 * The flat `kind: DNS` form → canonical kdns.dev/v1 DNSRecord (docs/flat-dns-form.md). Records
 * may be posted as `{"kind":"DNS","apiVersion":"v1","name":…,"host":…,"paths":[…]}`; accepting
 * that shorter shape lets such JSON be applied as it is, while everything inside kdns sees one
 * canonical kind.
 */
import { isRecord } from "./validation/guards.ts";

/** Whether `raw` is the flat form: `kind: "DNS"`, apiVersion "v1" or absent, and no `spec`. */
export function isFlatDNSRecord(raw: unknown): boolean {
  return (
    isRecord(raw) &&
    raw["kind"] === "DNS" &&
    (raw["apiVersion"] === undefined || raw["apiVersion"] === "v1") &&
    !Object.hasOwn(raw, "spec")
  );
}

function convertPath(p: unknown): unknown {
  if (!isRecord(p)) return p; // validation reports it on its field
  const out: Record<string, unknown> = {};
  const service = p["service"];
  // When both are given the address is the backend and the service only names the path.
  if (p["path"] !== undefined) out["path"] = p["path"];
  else if (typeof service === "string" && service !== "") out["path"] = `/${service}`;
  if (service !== undefined) out["service"] = service;
  if (p["address"] !== undefined) out["address"] = p["address"];
  if (p["port"] !== undefined) out["port"] = p["port"];
  return out;
}

/**
 * Returns the canonical DNSRecord for the flat form; any other input is returned unchanged (the
 * same reference). Fields the flat form does not define are dropped, except `namespace`,
 * `labels` and `annotations`, which move into `metadata`.
 */
export function convertFlatDNSRecord(raw: unknown): unknown {
  if (!isFlatDNSRecord(raw) || !isRecord(raw)) return raw;
  const metadata: Record<string, unknown> = isRecord(raw["metadata"]) ? { ...raw["metadata"] } : {};
  for (const key of ["name", "namespace", "labels", "annotations"]) {
    if (raw[key] !== undefined) metadata[key] = raw[key];
  }
  const paths = raw["paths"];
  const spec: Record<string, unknown> = {};
  if (raw["host"] !== undefined) spec["host"] = raw["host"];
  spec["paths"] = Array.isArray(paths) ? paths.map(convertPath) : paths;
  if (spec["paths"] === undefined) delete spec["paths"];
  return { apiVersion: "kdns.dev/v1", kind: "DNSRecord", metadata, spec };
}
