/** gateway.networking.k8s.io/v1 HTTPRoute: HTTP routing rules attached to Gateways. */
import { ATOMIC, int32, listOf, MERGED_SET, object, ref, str, strings } from "./build.ts";
import { GATEWAY_V1, PARENT_REFS, ROUTE_DEFINITIONS, referenceFields } from "./gateway-api-common.ts";
import { objectMetaField, TYPE_META } from "./meta.ts";
import type { KindSchema } from "./types.ts";

const V = GATEWAY_V1;
const HEADER = `${V}HTTPHeader`;
const MODIFIER = `${V}HTTPHeaderFilter`;
const PATH_MOD = `${V}HTTPPathModifier`;
const FILTER = `${V}HTTPRouteFilter`;

/** The schema of HTTPRoute. */
export const HTTP_ROUTE_SCHEMA: KindSchema = {
  name: `${V}HTTPRoute`,
  definitions: {
    ...ROUTE_DEFINITIONS,
    [`${V}HTTPRoute`]: object(
      "HTTP routing attached to Gateways: for the route's hostnames, requests matching a rule go through its filters to its backends. DNS answers each non-wildcard hostname with the gateway address.",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        spec: ref(`${V}HTTPRouteSpec`, "The parents, hostnames and rules."),
        status: ref(`${V}HTTPRouteStatus`, "The route's state per parent. Read-only."),
      },
      ["spec"],
    ),
    [`${V}HTTPRouteSpec`]: object("The desired route.", {
      parentRefs: PARENT_REFS,
      hostnames: strings(
        "Host names (exact, or '*.' wildcard covering one or more labels) the route serves, at most 16, intersected with the listeners' hostnames; every hostname of the listener when empty.",
      ),
      rules: listOf(
        ref(`${V}HTTPRouteRule`),
        "The rules, at most 16 (default: one rule matching every path). The most specific match wins: Exact path, longest prefix, method, most headers, most query parameters, oldest route.",
        ATOMIC,
      ),
    }),
    [`${V}HTTPRouteRule`]: object("Matches, filters and backends.", {
      name: str("The rule's name (a DNS subdomain)."),
      matches: listOf(
        ref(`${V}HTTPRouteMatch`),
        "Conditions, any of which selects the rule, at most 64 (default: PathPrefix /).",
        ATOMIC,
      ),
      filters: listOf(
        ref(FILTER),
        "Processing applied in order, at most 16; each type at most once; not RequestRedirect with URLRewrite.",
        ATOMIC,
      ),
      backendRefs: listOf(
        ref(`${V}HTTPBackendRef`),
        "Where matching requests go, split by weight, at most 16. None (and no redirect) answers 500.",
        ATOMIC,
      ),
    }),
    [`${V}HTTPRouteMatch`]: object("Conditions that must all hold.", {
      path: ref(`${V}HTTPPathMatch`, "The path condition (default PathPrefix /)."),
      headers: listOf(ref(`${V}HTTPHeaderMatch`), "Header conditions, at most 16, all of which must hold.", ATOMIC),
      queryParams: listOf(
        ref(`${V}HTTPQueryParamMatch`),
        "Query parameter conditions, at most 16, all of which must hold.",
        ATOMIC,
      ),
      method: str("The HTTP method (GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH)."),
    }),
    [`${V}HTTPPathMatch`]: object("A path condition.", {
      type: str("Exact or PathPrefix (whole path elements; a trailing '/' ignored). kdns refuses RegularExpression."),
      value: str(
        "The path, absolute, of the characters A-Z a-z 0-9 '.' '_' '~' '-' '/', at most 1024, without '//', '/./' or '/../'.",
      ),
    }),
    [`${V}HTTPHeaderMatch`]: object(
      "A header condition: the header (name case-insensitive) equals the value.",
      {
        type: str("Exact (the only type kdns serves)."),
        name: str("The header name."),
        value: str("The value, at most 4096 characters."),
      },
      ["name", "value"],
    ),
    [`${V}HTTPQueryParamMatch`]: object(
      "A query parameter condition: the parameter (name case-sensitive) equals the value.",
      {
        type: str("Exact (the only type kdns serves)."),
        name: str("The parameter name."),
        value: str("The value, at most 1024 characters."),
      },
      ["name", "value"],
    ),
    [FILTER]: object(
      "One processing step; the field named by type holds its settings.",
      {
        type: str("RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect or URLRewrite."),
        requestHeaderModifier: ref(MODIFIER, "Headers set, added or removed on the request."),
        responseHeaderModifier: ref(MODIFIER, "Headers set, added or removed on the response."),
        requestRedirect: ref(`${V}HTTPRequestRedirectFilter`, "Answer with a redirect instead of forwarding."),
        urlRewrite: ref(`${V}HTTPURLRewriteFilter`, "Rewrite the host or path before forwarding."),
      },
      ["type"],
    ),
    [MODIFIER]: object("Header changes, applied as remove, then set, then add.", {
      set: listOf(ref(HEADER), "Headers to set, replacing any value, at most 16.", {
        listType: "map",
        listMapKeys: ["name"],
      }),
      add: listOf(ref(HEADER), "Headers to add to any value, at most 16.", { listType: "map", listMapKeys: ["name"] }),
      remove: strings("Header names to remove, at most 16.", MERGED_SET),
    }),
    [HEADER]: object("A header name and value.", { name: str("The header name."), value: str("The value.") }, [
      "name",
      "value",
    ]),
    [PATH_MOD]: object("How to change a path.", {
      type: str("ReplaceFullPath or ReplacePrefixMatch."),
      replaceFullPath: str("The new path, for ReplaceFullPath."),
      replacePrefixMatch: str(
        "What the matched prefix becomes, for ReplacePrefixMatch (the rule must have one PathPrefix match).",
      ),
    }),
    [`${V}HTTPRequestRedirectFilter`]: object("A redirect answer.", {
      scheme: str("http or https; the request's when empty."),
      hostname: str("The host; the request's when empty."),
      path: ref(PATH_MOD, "The path; the request's when empty."),
      port: int32("The port; the scheme's well-known port, or the listener's, when empty."),
      statusCode: int32("301, 302 (default), 303, 307 or 308."),
    }),
    [`${V}HTTPURLRewriteFilter`]: object("A rewrite before forwarding.", {
      hostname: str("The Host header sent to the backend."),
      path: ref(PATH_MOD, "The path sent to the backend."),
    }),
    [`${V}HTTPBackendRef`]: object(
      "A backend: a Service port, with a weight.",
      {
        ...referenceFields("backend", "", "Service"),
        port: int32("The Service port (required for a Service)."),
        weight: int32(
          "The backend's share of the rule's requests: weight / sum of weights (0-1000000, default 1; 0 sends none).",
        ),
      },
      ["name"],
    ),
    [`${V}HTTPRouteStatus`]: object("The state of an HTTPRoute.", {
      parents: listOf(ref(`${V}RouteParentStatus`), "One entry per parent reference kdns serves.", ATOMIC),
    }),
  },
};
