/**
 * The routes model both gateway engines serve: hosts, each with path prefixes (Kubernetes Ingress
 * `Prefix` semantics, longest first) and the backends behind each prefix. Built from DNSRecords,
 * Services and Endpoints by {@link buildRouteTable}; pure data, so nginx rendering and the built-in
 * proxy read the same thing and a test can compare them.
 */

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
  /** Ready backends, in a stable order (round-robin starts at the first). */
  backends: Backend[];
  /** Why `backends` is empty; served as the 503 body. */
  unavailable?: string;
}

/** A host and its routes, longest prefix first. */
export interface HostRoutes {
  host: string;
  routes: Route[];
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
}

/** The whole routing state at one moment. */
export interface RouteTable {
  /** Sorted by host. */
  hosts: HostRoutes[];
  /** Sorted by key. */
  records: RecordOutcome[];
}
