/**
 * kdns.dev/v1 DNSRecord, kdns's own kind. The descriptions are what `kubectl explain dnsrecord…`
 * shows; the rules they state are those of src/api/validation/dns-record.ts and
 * docs/dnsrecord-validation.md.
 */
import { bool, byKey, int32, KDNS, listOf, object, ref, str } from "./build.ts";
import { CONDITION, objectMetaField, TYPE_META } from "./meta.ts";
import type { KindSchema } from "./types.ts";

/** The schema of DNSRecord. */
export const DNS_RECORD_SCHEMA: KindSchema = {
  name: `${KDNS}DNSRecord`,
  definitions: {
    [`${KDNS}DNSRecord`]: object(
      "A host name served by the kdns gateway. DNS answers the host (spec.host) with the gateway's address, and the gateway routes each request for the host by the longest matching path prefix to a backend: an address and port, or a Service in the record's namespace. The flat form (kind: DNS, apiVersion: v1, with name, host and paths at the top level) is accepted on create and stored as a DNSRecord.",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        spec: ref(`${KDNS}DNSRecordSpec`, "The host and its path routes."),
        status: ref(
          `${KDNS}DNSRecordStatus`,
          "Whether the gateway serves the record, written by the gateway (through /status). Read-only for users.",
        ),
      },
    ),
    [`${KDNS}DNSRecordSpec`]: object(
      "The host a DNSRecord serves and where each of its paths goes.",
      {
        host: str(
          "The host name DNS answers with the gateway address and the gateway serves: a DNS-1123 subdomain (letters, digits, '-' and '.', at most 253 characters, each label at most 63), stored in lower case. Not an IP address, no wildcard, no port, no trailing dot; internationalised names in punycode (xn--…). When two records claim the same host and path, the older one is served.",
        ),
        paths: listOf(
          ref(`${KDNS}DNSRecordPath`),
          "The routes of the host, at least one; each path at most once. A request goes to the route with the longest path that is a prefix of its path, matched by whole path elements (as an Ingress Prefix path), with that prefix stripped. Merged by path under strategic merge patch.",
          byKey("path"),
        ),
        tls: ref(`${KDNS}DNSRecordTLS`, "Serve the host over HTTPS with a certificate from a Secret."),
      },
      ["host", "paths"],
    ),
    [`${KDNS}DNSRecordTLS`]: object(
      "HTTPS for a DNSRecord's host.",
      {
        secretName: str(
          "A kubernetes.io/tls Secret in the record's namespace (a DNS-1123 subdomain) whose certificate covers the host: the gateway serves it for this host's name (SNI).",
        ),
        httpRedirect: bool("Whether plain HTTP requests for the host get a 308 redirect to https (default true)."),
      },
      ["secretName"],
    ),
    [`${KDNS}DNSRecordPath`]: object(
      "One route of a DNSRecord: a path prefix and its backend. Give a service, an address, or both (then the address is the backend and the service names it).",
      {
        path: str(
          "The path prefix: absolute, of the characters A-Z a-z 0-9 '.' '_' '~' '-' '/' only, at most 1024 characters, without '//', '/./' or '/../' and not ending in '/.' or '/..'. Defaults to /<service> when a service is given.",
        ),
        service: str(
          "A Service in the record's namespace (a DNS-1035 label): the gateway sends requests to its ready endpoints on the port named by port.",
        ),
        address: str(
          "A backend IP address (IPv4 or IPv6, no brackets, port or zone): the gateway sends requests to address:port.",
        ),
        port: int32("The backend port (1-65535): the Service's port, or the port at address."),
      },
      ["port"],
    ),
    [`${KDNS}DNSRecordStatus`]: object("Whether the gateway serves a DNSRecord, written by the gateway.", {
      conditions: listOf(
        ref(CONDITION),
        "The record's state, one condition, Served: True when the gateway routes the record (reason Served; PartiallyServed when an older record holds some of its paths; BackendsUnavailable when some backend has no ready endpoint), False when it does not (reason Invalid, ConfigRejected or Conflict), with a message saying why.",
        byKey("type"),
      ),
      gatewayAddress: str("The address DNS answers the host with: where the gateway listens."),
    }),
  },
};
