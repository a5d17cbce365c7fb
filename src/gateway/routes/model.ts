/**
 * The routes model both gateway engines serve: hosts, each with path prefixes (Kubernetes Ingress
 * `Prefix` semantics, longest first) and the backends behind each prefix. Built from DNSRecords,
 * Services and Endpoints by {@link buildRouteTable}; pure data, so nginx rendering and the built-in
 * proxy read the same thing and a test can compare them. A host served over HTTPS carries its
 * parsed certificate (the key as a `KeyObject`, so printing a table prints no key material).
 */
import type { ServingCertificate } from "../tls/certificate.ts";

/** One upstream address. */
export interface Backend {
  ip: string;
  port: number;
}

/** One served prefix of a host. */
export interface Route {
  /** Normalised prefix: absolute, no trailing slash except the root `/`. */
  prefix: string;
  /** `namespace/name` of the DNSRecord that owns this prefix. */
  record: string;
  /** Human description of the target, for messages (`10.0.0.1:80`, `service default/web port 80`). */
  target: string;
  /** `namespace/name` of the Service behind the route, when it routes to one (metrics' `service`). */
  service?: string;
  /** Ready backends, in a stable order (round-robin starts at the first). */
  backends: Backend[];
  /** Why `backends` is empty; served as the 503 body. */
  unavailable?: string;
}

/** How a host is served on the TLS listener. */
export interface HostTLS {
  /** `namespace/name` of the Secret the certificate comes from. */
  secret: string;
  /** `namespace/name` of the DNSRecord whose `spec.tls` this is. */
  record: string;
  certificate: ServingCertificate;
  /** Plain HTTP requests for the host are answered 308 to its https URL. */
  redirect: boolean;
}

/** A host and its routes, longest prefix first. */
export interface HostRoutes {
  host: string;
  routes: Route[];
  /** Set when the host is served over HTTPS too (its routes are the same there). */
  tls?: HostTLS;
}

/** A path of a record that another, older record already serves. */
export interface LostPath {
  path: string;
  /** `namespace/name` of the record that serves it. */
  winner: string;
}

/** What the model decided for one DNSRecord; the status writer turns it into `status`. */
export interface RecordOutcome {
  /** `namespace/name`. */
  key: string;
  host: string;
  /** Normalised prefixes this record serves. */
  served: string[];
  lost: LostPath[];
  /** Paths served but without a ready backend, with the reason. */
  unavailable: { path: string; reason: string }[];
  /** Set when the record was skipped as invalid (it should never pass API validation). */
  invalid?: string;
  /** Set when the record was skipped because the Secret of its `spec.tls` cannot be served. */
  invalidCertificate?: string;
  /** How the record's host is served over HTTPS (`served`), or why its `spec.tls` is not used; for its status. */
  https?: { served: boolean; note: string };
}

/** The whole routing state at one moment. */
export interface RouteTable {
  /** Sorted by host. */
  hosts: HostRoutes[];
  /** Sorted by key. */
  records: RecordOutcome[];
}
