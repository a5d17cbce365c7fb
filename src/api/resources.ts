/**
 * The table of resources kdns serves: where each lives in the API, what it is called, and the
 * pure functions that default, validate and convert it. The API server, the CLI and discovery all
 * read this one table.
 */
import type { StatusCause } from "../machinery/status.ts";
import { isDNS1123Subdomain } from "../machinery/validate-names.ts";
import { convertConfigMapInput } from "./config-map-input.ts";
import {
  defaultDNSRecord,
  defaultEndpointSlice,
  defaultEndpoints,
  defaultNamespace,
  defaultPod,
  defaultSecret,
  defaultService,
} from "./defaults/index.ts";
import { convertFlatDNSRecord } from "./dnsrecord-flat.ts";
import { GATEWAY_API_RESOURCES } from "./gateway-api-resources.ts";
import {
  CONFIG_MAP_SCHEMA,
  DNS_RECORD_SCHEMA,
  ENDPOINT_SLICE_SCHEMA,
  ENDPOINTS_SCHEMA,
  EVENT_SCHEMA,
  INGRESS_CLASS_SCHEMA,
  INGRESS_SCHEMA,
  type KindSchema,
  LEASE_SCHEMA,
  NAMESPACE_SCHEMA,
  POD_SCHEMA,
  SECRET_SCHEMA,
  SERVICE_SCHEMA,
} from "./schemas/index.ts";
import { convertSecretInput } from "./secret-input.ts";
import type { ServedVersion } from "./served-version.ts";
import type { KubeObject } from "./types.ts";
import {
  validateConfigMap,
  validateDNSRecord,
  validateEndpointSlice,
  validateEndpoints,
  validateIngress,
  validateIngressClass,
  validateLease,
  validateNamespace,
  validatePod,
  validateSecret,
  validateService,
} from "./validation/index.ts";
import { validateObjectMeta } from "./validation/metadata.ts";

/** Everything the API needs to know about one resource. */
export interface ResourceInfo {
  /** API group; "" for the core group. */
  group: string;
  /**
   * The version this entry serves. In {@link RESOURCES} it is the storage version: objects are
   * stored at it, and kdns's own components read and write at it.
   */
  version: string;
  kind: string;
  /** Plural, lower-case: the path segment (`services`). */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** Whether `/status` exists: then a main-resource write keeps the stored status and `/status` writes only status. */
  statusSubresource: boolean;
  /** Fills defaults in place (create and update). */
  applyDefaults(obj: KubeObject): void;
  /** Field causes for every invalid field; `old` is set on update. */
  validate(obj: KubeObject, old?: KubeObject): StatusCause[];
  /**
   * Turns a written body into the stored shape, as kube-apiserver's decoding and conversion do:
   * an accepted alternative form (the flat DNS form), base64 values checked, Secret `stringData`
   * merged into `data`. Returns the input when there is nothing to convert; throws a 400
   * BadRequest `ApiError` for a body that cannot be decoded.
   */
  convertInput?(raw: unknown): unknown;
  /**
   * The kind's schema (src/api/schemas/): what /openapi/v2 and /openapi/v3 publish, what
   * `kubectl explain` shows, and where strategic merge patch finds its list merge keys.
   */
  schema: KindSchema;
  /**
   * The versions served besides `version` (one storage version, as a CRD marks one of its
   * `versions`), each with its conversion; absent = `version` only.
   */
  alsoServed?: readonly ServedVersion[];
  /** Only on an entry at one of the `alsoServed` versions ({@link SERVED_RESOURCES}): the storage version's entry. */
  storageInfo?: ResourceInfo;
}

/** `apiVersion` of a resource, as objects carry it. */
export function apiVersionOf(info: Pick<ResourceInfo, "group" | "version">): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** All served resources. */
export const RESOURCES: readonly ResourceInfo[] = [
  {
    group: "",
    version: "v1",
    kind: "Namespace",
    resource: "namespaces",
    singular: "namespace",
    namespaced: false,
    shortNames: ["ns"],
    statusSubresource: true,
    applyDefaults: defaultNamespace,
    validate: validateNamespace,
    schema: NAMESPACE_SCHEMA,
  },
  {
    group: "",
    version: "v1",
    kind: "Pod",
    resource: "pods",
    singular: "pod",
    namespaced: true,
    shortNames: ["po"],
    statusSubresource: true,
    applyDefaults: defaultPod,
    validate: validatePod,
    schema: POD_SCHEMA,
  },
  {
    group: "",
    version: "v1",
    kind: "Service",
    resource: "services",
    singular: "service",
    namespaced: true,
    shortNames: ["svc"],
    statusSubresource: true,
    applyDefaults: defaultService,
    validate: validateService,
    schema: SERVICE_SCHEMA,
  },
  {
    group: "",
    version: "v1",
    kind: "Endpoints",
    resource: "endpoints",
    singular: "endpoints",
    namespaced: true,
    shortNames: ["ep"],
    statusSubresource: false,
    applyDefaults: defaultEndpoints,
    validate: validateEndpoints,
    schema: ENDPOINTS_SCHEMA,
  },
  {
    group: "discovery.k8s.io",
    version: "v1",
    kind: "EndpointSlice",
    resource: "endpointslices",
    singular: "endpointslice",
    namespaced: true,
    shortNames: [],
    statusSubresource: false,
    applyDefaults: defaultEndpointSlice,
    validate: validateEndpointSlice,
    schema: ENDPOINT_SLICE_SCHEMA,
  },
  {
    group: "kdns.dev",
    version: "v1",
    kind: "DNSRecord",
    resource: "dnsrecords",
    singular: "dnsrecord",
    namespaced: true,
    shortNames: ["dns", "dnsr"],
    statusSubresource: true,
    applyDefaults: defaultDNSRecord,
    validate: validateDNSRecord,
    convertInput: convertFlatDNSRecord,
    schema: DNS_RECORD_SCHEMA,
  },
  {
    group: "",
    version: "v1",
    kind: "Secret",
    resource: "secrets",
    singular: "secret",
    namespaced: true,
    shortNames: [],
    statusSubresource: false,
    applyDefaults: defaultSecret,
    validate: validateSecret,
    convertInput: convertSecretInput,
    schema: SECRET_SCHEMA,
  },
  {
    group: "",
    version: "v1",
    kind: "ConfigMap",
    resource: "configmaps",
    singular: "configmap",
    namespaced: true,
    shortNames: ["cm"],
    statusSubresource: false,
    applyDefaults: () => undefined,
    validate: validateConfigMap,
    convertInput: convertConfigMapInput,
    schema: CONFIG_MAP_SCHEMA,
  },
  {
    group: "",
    version: "v1",
    kind: "Event",
    resource: "events",
    singular: "event",
    namespaced: true,
    shortNames: ["ev"],
    statusSubresource: false,
    applyDefaults: () => undefined,
    validate: validateEvent,
    schema: EVENT_SCHEMA,
  },
  ...GATEWAY_API_RESOURCES,
  {
    group: "networking.k8s.io",
    version: "v1",
    kind: "Ingress",
    resource: "ingresses",
    singular: "ingress",
    namespaced: true,
    shortNames: ["ing"],
    statusSubresource: true,
    applyDefaults: () => undefined,
    validate: validateIngress,
    schema: INGRESS_SCHEMA,
  },
  {
    group: "networking.k8s.io",
    version: "v1",
    kind: "IngressClass",
    resource: "ingressclasses",
    singular: "ingressclass",
    namespaced: false,
    shortNames: [],
    statusSubresource: false,
    applyDefaults: () => undefined,
    validate: validateIngressClass,
    schema: INGRESS_CLASS_SCHEMA,
  },
  {
    group: "coordination.k8s.io",
    version: "v1",
    kind: "Lease",
    resource: "leases",
    singular: "lease",
    namespaced: true,
    shortNames: [],
    statusSubresource: false,
    applyDefaults: () => undefined,
    validate: validateLease,
    schema: LEASE_SCHEMA,
  },
];

/**
 * core/v1 Event: stored and served so `kubectl describe` (which lists events by involvedObject)
 * works; the gateway and DNS server record their own. Only the metadata and the shape of
 * `involvedObject` are checked.
 */
function validateEvent(obj: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: true });
  const involved = obj["involvedObject"];
  if (involved !== undefined && (involved === null || typeof involved !== "object" || Array.isArray(involved))) {
    causes.push({
      field: "involvedObject",
      message: "Invalid value: must be an object reference",
      reason: "FieldValueInvalid",
    });
  }
  return causes;
}

function servedAt(info: ResourceInfo, served: ServedVersion): ResourceInfo {
  const { alsoServed: _others, ...entry } = info;
  return { ...entry, version: served.name, schema: served.schema ?? info.schema, storageInfo: info };
}

/**
 * Every resource at every version it is served at: each table entry (at its storage version),
 * then one entry per other served version. Requests resolve to these, and they are the same
 * objects every time, so they may key a map.
 */
export const SERVED_RESOURCES: readonly ResourceInfo[] = RESOURCES.flatMap((r) => [
  r,
  ...(r.alsoServed ?? []).map((v) => servedAt(r, v)),
]);

/** The resource with this group and plural name, at its storage version, if served. */
export function resourceByPath(group: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.resource === resource);
}

/** The resource with this group and plural name at `version`, if served at that version. */
export function resourceAtVersion(group: string, version: string, resource: string): ResourceInfo | undefined {
  return SERVED_RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** The resource of an object's `apiVersion` + `kind`, at that version, if served at it. */
export function resourceByKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return SERVED_RESOURCES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

/**
 * The resource a user typed on the command line: plural, singular, short name or kind, any case,
 * optionally qualified with the group (`dnsrecords.kdns.dev`) or, as kubectl takes it, with the
 * version and the group (`referencegrants.v1beta1.gateway.networking.k8s.io`).
 */
export function resourceByName(name: string): ResourceInfo | undefined {
  const lower = name.toLowerCase();
  const [base = "", ...rest] = lower.split(".");
  const named = (r: ResourceInfo): boolean =>
    r.resource === base || r.singular === base || r.kind.toLowerCase() === base || r.shortNames.includes(base);
  if (rest.length === 0) return RESOURCES.find(named);
  const [version = "", ...groupParts] = rest;
  const atVersion = SERVED_RESOURCES.find((r) => r.version === version && r.group === groupParts.join(".") && named(r));
  return atVersion ?? RESOURCES.find((r) => r.group === rest.join(".") && named(r));
}
