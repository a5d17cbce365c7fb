/**
 * The schemas of the kinds kdns serves, one file per kind (namespace.ts, service.ts, …), and the
 * shared definitions (meta.ts). To add a kind: write its KindSchema in a new file here, export it
 * below, and name it as `schema` in its resource table entry (src/api/resources.ts); the OpenAPI
 * documents, `kubectl explain` and strategic merge keys follow from it.
 */
import { isDeepStrictEqual } from "node:util";
import { META_DEFINITIONS } from "./meta.ts";
import type { Definition, KindSchema } from "./types.ts";

export { CONFIG_MAP_SCHEMA } from "./config-map.ts";
export { DNS_RECORD_SCHEMA } from "./dns-record.ts";
export { ENDPOINT_SLICE_SCHEMA } from "./endpoint-slice.ts";
export { ENDPOINTS_SCHEMA } from "./endpoints.ts";
export { EVENT_SCHEMA } from "./event.ts";
export { GATEWAY_SCHEMA } from "./gateway.ts";
export { GATEWAY_CLASS_SCHEMA } from "./gateway-class.ts";
export { HTTP_ROUTE_SCHEMA } from "./http-route.ts";
export { INGRESS_SCHEMA } from "./ingress.ts";
export { INGRESS_CLASS_SCHEMA } from "./ingress-class.ts";
export { LEASE_SCHEMA } from "./lease.ts";
export { NAMESPACE_SCHEMA } from "./namespace.ts";
export { POD_SCHEMA } from "./pod.ts";
export { REFERENCE_GRANT_SCHEMA } from "./reference-grant.ts";
export { SECRET_SCHEMA } from "./secret.ts";
export { SERVICE_SCHEMA } from "./service.ts";
export type { Definition, GroupVersionKind, KindSchema, ListMerge, ObjectSchema, Schema } from "./types.ts";

/**
 * The shared definitions and those of `kinds`, by name. Two kinds may bring the same definition
 * (ObjectReference); a name defined two different ways is a mistake, and throws.
 */
export function definitionsOf(kinds: readonly KindSchema[]): Record<string, Definition> {
  const out: Record<string, Definition> = { ...META_DEFINITIONS };
  for (const kind of kinds) {
    for (const [name, def] of Object.entries(kind.definitions)) {
      const seen = out[name];
      if (seen !== undefined && !isDeepStrictEqual(seen, def))
        throw new Error(`schema definition ${name} is defined twice, differently`);
      out[name] = def;
    }
  }
  return out;
}
