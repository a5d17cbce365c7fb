/** Which resource a manifest object is, its canonical shape, and where it lives. */

import { convertFlatDNSRecord, isFlatDNSRecord } from "../api/dnsrecord-flat.ts";
import { type ResourceInfo, resourceByKind, resourceByName } from "../api/resources.ts";
import type { KubeObject } from "../api/types.ts";
import { CliError } from "./errors.ts";
import type { ManifestObject } from "./manifest.ts";

/** A manifest object ready to send: its resource, namespace (for namespaced kinds) and name. */
export interface ResolvedObject {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string;
  object: KubeObject;
}

/**
 * Resolves a manifest object. The flat `kind: DNS` form (docs/flat-dns-form.md) is converted to
 * a DNSRecord here, so `apply` can compare it with what is stored; `namespace` fills objects
 * without one.
 */
export function resolveObject(m: ManifestObject, namespace: string): ResolvedObject {
  let raw: unknown = m.object;
  let info: ResourceInfo | undefined;
  if (isFlatDNSRecord(raw)) {
    raw = convertFlatDNSRecord(raw);
    info = resourceByName("dnsrecords");
  }
  const obj = raw as Partial<KubeObject>;
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const kind = typeof obj.kind === "string" ? obj.kind : "";
  if (!kind) throw new CliError(`error validating "${m.source}": Object 'Kind' is missing`);
  info ??= resourceByKind(apiVersion, kind);
  if (!info) throw new CliError(`no matches for kind "${kind}" in version "${apiVersion}" (in ${m.source})`);
  const metadata = { ...(typeof obj.metadata === "object" && obj.metadata !== null ? obj.metadata : {}) };
  const name = metadata.name;
  if (typeof name !== "string" || name === "")
    throw new CliError(`error validating "${m.source}": ${kind} has no metadata.name`);
  const ns = info.namespaced
    ? typeof metadata.namespace === "string" && metadata.namespace
      ? metadata.namespace
      : namespace
    : undefined;
  if (ns !== undefined) metadata.namespace = ns;
  return { info, namespace: ns, name, object: { ...obj, apiVersion, kind, metadata } as KubeObject };
}
