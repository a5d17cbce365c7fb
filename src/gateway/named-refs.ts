/**
 * Which route sources name each Service and each Secret, as secondary indexes on the sources'
 * informers (client-go's `Indexer`): DNSRecord paths and `spec.tls`, Ingress backends and `tls`,
 * HTTPRoute backendRefs, Gateway listener certificateRefs. The gateway controller asks them
 * whether a Service, Endpoints or Secret event matters (the Endpoints of a Service no route
 * names change with every pod of it, and are none of the gateway's business) without a pass over
 * any kind: one index lookup per event. Values are `namespace/name`.
 */
import type { Gateway, HTTPRoute } from "../api/gateway-api-types.ts";
import type { DNSRecord, Ingress } from "../api/types.ts";
import type { Informer } from "../client/informer.ts";

/** Index of route sources by the `namespace/name` of each Service they route to. */
export const SERVICE_INDEX = "named-service";
/** Index of route sources by the `namespace/name` of each Secret they serve certificates from. */
export const SECRET_INDEX = "named-secret";

const unique = (values: string[]): string[] => [...new Set(values)];

/** Services and Secrets of a DNSRecord. */
function recordRefs(r: DNSRecord, ns: string): { services: string[]; secrets: string[] } {
  const services = (r.spec?.paths ?? []).flatMap((p) => (typeof p.service === "string" ? [`${ns}/${p.service}`] : []));
  const secret = r.spec?.tls?.secretName;
  return { services: unique(services), secrets: typeof secret === "string" ? [`${ns}/${secret}`] : [] };
}

/** Services and Secrets of an Ingress (whatever its class: a class change is an Ingress event of its own). */
function ingressRefs(i: Ingress, ns: string): { services: string[]; secrets: string[] } {
  const backends = [
    i.spec?.defaultBackend,
    ...(i.spec?.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend)),
  ];
  const services = backends.flatMap((b) => (b?.service?.name ? [`${ns}/${b.service.name}`] : []));
  const secrets = (i.spec?.tls ?? []).flatMap((t) => (t.secretName ? [`${ns}/${t.secretName}`] : []));
  return { services: unique(services), secrets: unique(secrets) };
}

/** Services an HTTPRoute's backendRefs name (only core Services are routed). */
function routeServices(r: HTTPRoute, ns: string): string[] {
  const refs = (r.spec?.rules ?? []).flatMap((rule) => rule.backendRefs ?? []);
  return unique(
    refs.flatMap((b) =>
      (b.group ?? "") === "" && (b.kind ?? "Service") === "Service" ? [`${b.namespace ?? ns}/${b.name}`] : [],
    ),
  );
}

/** Secrets a Gateway's listeners take certificates from. */
function gatewaySecrets(g: Gateway, ns: string): string[] {
  const refs = (g.spec?.listeners ?? []).flatMap((l) => l.tls?.certificateRefs ?? []);
  return unique(
    refs.flatMap((c) =>
      (c.group ?? "") === "" && (c.kind ?? "Secret") === "Secret" ? [`${c.namespace ?? ns}/${c.name}`] : [],
    ),
  );
}

/** The route-source informers the indexes live on. */
export interface RefSources {
  records: Informer<DNSRecord>;
  ingresses: Informer<Ingress>;
  routes: Informer<HTTPRoute>;
  gateways: Informer<Gateway>;
}

/** The indexes; construct before the informers start (it registers them). */
export class NamedRefs {
  readonly #sources: RefSources;

  constructor(sources: RefSources) {
    this.#sources = sources;
    const { records, ingresses, routes, gateways } = sources;
    records.addIndex(SERVICE_INDEX, (r, ns) => recordRefs(r, ns).services);
    records.addIndex(SECRET_INDEX, (r, ns) => recordRefs(r, ns).secrets);
    ingresses.addIndex(SERVICE_INDEX, (i, ns) => ingressRefs(i, ns).services);
    ingresses.addIndex(SECRET_INDEX, (i, ns) => ingressRefs(i, ns).secrets);
    routes.addIndex(SERVICE_INDEX, routeServices);
    gateways.addIndex(SECRET_INDEX, gatewaySecrets);
  }

  /** Whether any route source routes to Service `namespace/name` (its Endpoints then matter too). */
  namesService(namespace: string, name: string): boolean {
    const key = `${namespace}/${name}`;
    const { records, ingresses, routes } = this.#sources;
    return [records, ingresses, routes].some((inf) => inf.byIndex(SERVICE_INDEX, key).length > 0);
  }

  /** Whether any route source or Gateway serves a certificate from Secret `namespace/name`. */
  namesSecret(namespace: string, name: string): boolean {
    const key = `${namespace}/${name}`;
    const { records, ingresses, gateways } = this.#sources;
    return [records, ingresses, gateways].some((inf) => inf.byIndex(SECRET_INDEX, key).length > 0);
  }
}
