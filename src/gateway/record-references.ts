/**
 * What a DNSRecord refers to, as informer index functions: the Services its paths route to and
 * the Secret its `spec.tls` names, each as `namespace/name`. The controller uses them so that a
 * change to a Service, Endpoints or Secret no record refers to costs a map lookup, and a pass
 * reads only the objects records refer to instead of every Service and Endpoints in the cluster.
 */
import type { DNSRecord } from "../api/types.ts";
import type { IndexFunc } from "../client/indexer.ts";

/** Index of records by the `namespace/name` of each Service their paths name. */
export const BACKEND_SERVICE_INDEX = "backend-service";

/** Index of records by the `namespace/name` of the Secret `spec.tls` names. */
export const TLS_SECRET_INDEX = "tls-secret";

/** The Services a record's paths name (a record that failed validation may have any shape). */
export const byBackendService: IndexFunc<DNSRecord> = (record, namespace) => {
  const paths: unknown = record.spec?.paths;
  if (!Array.isArray(paths)) return [];
  const out = new Set<string>();
  for (const p of paths as { service?: unknown }[])
    if (typeof p?.service === "string" && p.service !== "") out.add(`${namespace}/${p.service}`);
  return [...out];
};

/** The Secret a record's `spec.tls` names. */
export const byTlsSecret: IndexFunc<DNSRecord> = (record, namespace) => {
  const name = record.spec?.tls?.secretName;
  return typeof name === "string" ? [`${namespace}/${name}`] : [];
};
