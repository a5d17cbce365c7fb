/**
 * Wire shapes of the Gateway API kinds kdns serves (gateway.networking.k8s.io: GatewayClass,
 * Gateway, HTTPRoute, ReferenceGrant), as the upstream Go types define them. Only the fields kdns
 * reads or validates are typed; unknown fields the user sends are kept as they are.
 */
import type { KubeObject } from "./types.ts";

/** The API group of the Gateway API kinds. */
export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";

/** The `controllerName` of the GatewayClasses kdns's gateway accepts. */
export const KDNS_GATEWAY_CONTROLLER = "kdns.dev/gateway";

/** metav1.Condition, as Gateway API statuses carry it. */
export interface GatewayCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** gatewayv1.GatewayClass. */
export interface GatewayClass extends KubeObject {
  spec: { controllerName: string; description?: string; parametersRef?: Record<string, unknown> };
  status?: { conditions?: GatewayCondition[]; [field: string]: unknown };
}

/** gatewayv1.SecretObjectReference (a listener's certificate). */
export interface SecretObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

/** gatewayv1.RouteNamespaces: which namespaces' routes may attach to a listener. */
export interface RouteNamespaces {
  from?: "All" | "Same" | "Selector";
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
}

/** gatewayv1.Listener. */
export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
  tls?: { mode?: "Terminate" | "Passthrough"; certificateRefs?: SecretObjectReference[]; [field: string]: unknown };
  allowedRoutes?: { namespaces?: RouteNamespaces; kinds?: { group?: string; kind: string }[] };
}

/** gatewayv1.ListenerStatus. */
export interface ListenerStatus {
  name: string;
  supportedKinds: { group?: string; kind: string }[];
  attachedRoutes: number;
  conditions: GatewayCondition[];
}

/** gatewayv1.Gateway. */
export interface Gateway extends KubeObject {
  spec: {
    gatewayClassName: string;
    listeners: Listener[];
    addresses?: { type?: string; value: string }[];
    [field: string]: unknown;
  };
  status?: {
    addresses?: { type?: string; value: string }[];
    conditions?: GatewayCondition[];
    listeners?: ListenerStatus[];
    [field: string]: unknown;
  };
}

/** gatewayv1.ParentReference. */
export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

/** gatewayv1.HTTPPathMatch. */
export interface HTTPPathMatch {
  type?: "Exact" | "PathPrefix" | "RegularExpression";
  value?: string;
}

/** gatewayv1.HTTPHeaderMatch and HTTPQueryParamMatch (the same shape). */
export interface HTTPValueMatch {
  type?: "Exact" | "RegularExpression";
  name: string;
  value: string;
}

/** gatewayv1.HTTPRouteMatch: all fields of one match must hold (AND). */
export interface HTTPRouteMatch {
  path?: HTTPPathMatch;
  headers?: HTTPValueMatch[];
  queryParams?: HTTPValueMatch[];
  method?: string;
}

/** gatewayv1.HTTPHeaderFilter. */
export interface HTTPHeaderFilter {
  set?: { name: string; value: string }[];
  add?: { name: string; value: string }[];
  remove?: string[];
}

/** gatewayv1.HTTPPathModifier. */
export interface HTTPPathModifier {
  type: "ReplaceFullPath" | "ReplacePrefixMatch";
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}

/** gatewayv1.HTTPRequestRedirectFilter. */
export interface HTTPRequestRedirectFilter {
  scheme?: "http" | "https";
  hostname?: string;
  path?: HTTPPathModifier;
  port?: number;
  statusCode?: number;
}

/** gatewayv1.HTTPURLRewriteFilter. */
export interface HTTPURLRewriteFilter {
  hostname?: string;
  path?: HTTPPathModifier;
}

/** gatewayv1.HTTPRouteFilter: `type` names the one field set. */
export interface HTTPRouteFilter {
  type: string;
  requestHeaderModifier?: HTTPHeaderFilter;
  responseHeaderModifier?: HTTPHeaderFilter;
  requestRedirect?: HTTPRequestRedirectFilter;
  urlRewrite?: HTTPURLRewriteFilter;
  [field: string]: unknown;
}

/** gatewayv1.HTTPBackendRef. */
export interface HTTPBackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
  filters?: HTTPRouteFilter[];
}

/** gatewayv1.HTTPRouteRule. */
export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs?: HTTPBackendRef[];
  [field: string]: unknown;
}

/** gatewayv1.RouteParentStatus. */
export interface RouteParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions: GatewayCondition[];
}

/** gatewayv1.HTTPRoute. */
export interface HTTPRoute extends KubeObject {
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: HTTPRouteRule[] };
  status?: { parents?: RouteParentStatus[]; [field: string]: unknown };
}

/** gatewayv1beta1.ReferenceGrantFrom / ReferenceGrantTo. */
export interface ReferenceGrant extends KubeObject {
  spec: {
    from: { group: string; kind: string; namespace: string }[];
    to: { group: string; kind: string; name?: string }[];
  };
}
