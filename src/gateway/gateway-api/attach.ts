/**
 * Which HTTPRoutes attach to which listeners of kdns's Gateways, and why not (pure). A Gateway is
 * kdns's when its GatewayClass names controller `kdns.dev/gateway`. For each parentRef of a route
 * to such a Gateway: the listeners its `sectionName` and `port` select (none: NoMatchingParent),
 * those whose `allowedRoutes` admit the route's namespace (none: NotAllowedByListeners), those
 * whose hostname intersects the route's hostnames (none: NoMatchingListenerHostname). Backend
 * references are resolved once per route: a non-Service kind is InvalidKind, another namespace
 * without a ReferenceGrant RefNotPermitted, a missing Service BackendNotFound (spec:
 * HTTPRoute status, RouteConditionReason).
 */

import { routeHostsOnListener } from "../../api/gateway-api-hostnames.ts";
import {
  GATEWAY_API_GROUP,
  type Gateway,
  type GatewayClass,
  type HTTPBackendRef,
  type HTTPRoute,
  KDNS_GATEWAY_CONTROLLER,
  type ParentReference,
  type ReferenceGrant,
  type RouteNamespaces,
} from "../../api/gateway-api-types.ts";
import { type LabelSelector, matchesLabels } from "../../machinery/labels.ts";
import { type ConditionSpec, evaluateListener, type ListenerState, type SecretProblem } from "./listeners.ts";
import { referenceAllowed } from "./references.ts";

/** What attachment is computed from: the informers' caches, read through these. */
export interface GatewayApiInputs {
  classes: readonly GatewayClass[];
  gateways: readonly Gateway[];
  routes: readonly HTTPRoute[];
  grants: readonly ReferenceGrant[];
  namespaceLabels(namespace: string): Record<string, string> | undefined;
  serviceExists(namespace: string, name: string): boolean;
  secretProblem: SecretProblem;
  /** Whether kdns's gateway has a TLS listener for HTTPS listeners (default true). */
  tlsListener?: boolean;
}

/** One of kdns's Gateways and its listeners. */
export interface GatewayState {
  gateway: Gateway;
  /** `namespace/name`. */
  key: string;
  accepted: ConditionSpec;
  listeners: ListenerState[];
  /** Routes attached per listener name (filled by {@link countAttachedRoutes}). */
  attached: Map<string, number>;
}

/** Where a route is served through one listener. */
export interface Attachment {
  /** `namespace/name` of the Gateway. */
  gateway: string;
  listener: string;
  hosts: string[];
  /** `namespace/name` of the Secret, for an HTTPS listener. */
  tlsSecret?: string;
}

/** A route's state for one parentRef to one of kdns's Gateways. */
export interface ParentState {
  parentRef: ParentReference;
  accepted: ConditionSpec;
  resolvedRefs: ConditionSpec;
}

/** One backendRef of a rule and, when it cannot be used, why (the ResolvedRefs message). */
export interface RuleBackend {
  ref: HTTPBackendRef;
  invalid?: string;
}

/** What kdns decided for one HTTPRoute. */
export interface RouteState {
  route: HTTPRoute;
  /** One per parentRef naming one of kdns's Gateways, in the route's order. */
  parents: ParentState[];
  /**
   * The states of one spec of a route share this array: a status-only update of the route gets a
   * state with the new object and the same attachments (gateway-api/watch.ts), so what is made
   * from them may be kept by this array's identity (the controller's translations are).
   */
  attachments: Attachment[];
  /**
   * Per rule, every backendRef, those that do not resolve (not a Service, not permitted, missing)
   * marked invalid: their share of the rule's requests is answered 500, the weights unchanged.
   */
  backends: RuleBackend[][];
}

/** The whole attachment picture. */
export interface Attachments {
  /** Names of the GatewayClasses kdns accepts. */
  classes: string[];
  gateways: GatewayState[];
  routes: RouteState[];
  /** How many route states were computed rather than taken from the cache. */
  fresh: number;
}

function cond(type: string, ok: boolean, reason: string, message: string): ConditionSpec {
  return { type, status: ok ? "True" : "False", reason, message };
}

function nsOf(o: { metadata: { namespace?: string } }): string {
  return o.metadata.namespace ?? "default";
}

function selectorOf(sel: RouteNamespaces["selector"]): LabelSelector {
  const requirements: LabelSelector["requirements"][number][] = Object.entries(sel?.matchLabels ?? {}).map(
    ([key, v]) => ({
      key,
      operator: "In" as const,
      values: [v],
    }),
  );
  for (const e of (sel?.matchExpressions ?? []) as { key: string; operator: string; values?: string[] }[]) {
    if (e.operator === "In" || e.operator === "NotIn" || e.operator === "Exists" || e.operator === "DoesNotExist")
      requirements.push({ key: e.key, operator: e.operator, values: e.values ?? [] });
  }
  return { requirements };
}

function admits(gw: Gateway, ls: ListenerState, routeNs: string, inputs: GatewayApiInputs): boolean {
  const from = ls.listener.allowedRoutes?.namespaces?.from ?? "Same";
  if (from === "All") return true;
  if (from === "Same") return routeNs === nsOf(gw);
  const labels = inputs.namespaceLabels(routeNs);
  return labels !== undefined && matchesLabels(selectorOf(ls.listener.allowedRoutes?.namespaces?.selector), labels);
}

function evaluateGateway(gw: Gateway, inputs: GatewayApiInputs): GatewayState {
  const listeners = (gw.spec?.listeners ?? []).map((l) =>
    evaluateListener(gw, l, {
      grants: inputs.grants,
      secretProblem: inputs.secretProblem,
      tlsListener: inputs.tlsListener ?? true,
    }),
  );
  const usable = listeners.filter((l) => l.attachable).length;
  const accepted =
    usable === listeners.length
      ? cond("Accepted", true, "Accepted", "Gateway accepted by kdns.dev/gateway")
      : cond(
          "Accepted",
          usable > 0,
          "ListenersNotValid",
          `${listeners.length - usable} of ${listeners.length} listeners are not valid`,
        );
  return { gateway: gw, key: `${nsOf(gw)}/${gw.metadata.name}`, accepted, listeners, attached: new Map() };
}

/** ResolvedRefs of a route and the backends that resolve, per rule. */
function resolveBackends(
  route: HTTPRoute,
  inputs: GatewayApiInputs,
): { refs: ConditionSpec; backends: RuleBackend[][] } {
  const ns = nsOf(route);
  let problem: ConditionSpec | undefined;
  const backends = (route.spec?.rules ?? []).map((rule) =>
    (rule.backendRefs ?? []).map((b): RuleBackend => {
      const bns = b.namespace ?? ns;
      let bad: ConditionSpec | undefined;
      if ((b.group ?? "") !== "" || (b.kind ?? "Service") !== "Service")
        bad = cond(
          "ResolvedRefs",
          false,
          "InvalidKind",
          `backendRef ${b.group ?? ""}/${b.kind} ${b.name}: only core Services are supported`,
        );
      else if (
        !referenceAllowed(
          inputs.grants,
          { group: GATEWAY_API_GROUP, kind: "HTTPRoute", namespace: ns },
          { group: "", kind: "Service", namespace: bns },
          b.name,
        )
      )
        bad = cond(
          "ResolvedRefs",
          false,
          "RefNotPermitted",
          `no ReferenceGrant in ${bns} lets HTTPRoutes in ${ns} use Service ${b.name}`,
        );
      else if (!inputs.serviceExists(bns, b.name))
        bad = cond("ResolvedRefs", false, "BackendNotFound", `Service ${bns}/${b.name} not found`);
      problem ??= bad;
      return bad === undefined ? { ref: b } : { ref: b, invalid: bad.message };
    }),
  );
  return { refs: problem ?? cond("ResolvedRefs", true, "ResolvedRefs", "All references resolved"), backends };
}

function attachParent(
  route: HTTPRoute,
  ref: ParentReference,
  gw: GatewayState,
  inputs: GatewayApiInputs,
): { accepted: ConditionSpec; attachments: Attachment[] } {
  const selected = gw.listeners.filter(
    (l) =>
      (ref.sectionName === undefined || ref.sectionName === l.listener.name) &&
      (ref.port === undefined || ref.port === l.listener.port) &&
      l.attachable,
  );
  if (selected.length === 0) {
    const what = [ref.sectionName && `sectionName ${ref.sectionName}`, ref.port && `port ${ref.port}`]
      .filter(Boolean)
      .join(" and ");
    return {
      accepted: cond(
        "Accepted",
        false,
        "NoMatchingParent",
        `no ready listener of Gateway ${gw.key}${what ? ` with ${what}` : ""}`,
      ),
      attachments: [],
    };
  }
  const allowed = selected.filter((l) => admits(gw.gateway, l, nsOf(route), inputs));
  if (allowed.length === 0)
    return {
      accepted: cond(
        "Accepted",
        false,
        "NotAllowedByListeners",
        `the listeners of Gateway ${gw.key} do not allow routes from namespace ${nsOf(route)}`,
      ),
      attachments: [],
    };
  const attachments: Attachment[] = [];
  for (const l of allowed) {
    const hosts = routeHostsOnListener(l.listener.hostname, route.spec?.hostnames ?? []);
    if (hosts.length === 0) continue;
    attachments.push({
      gateway: gw.key,
      listener: l.listener.name,
      hosts,
      ...(l.tlsSecret !== undefined ? { tlsSecret: l.tlsSecret } : {}),
    });
  }
  if (attachments.length === 0)
    return {
      accepted: cond(
        "Accepted",
        false,
        "NoMatchingListenerHostname",
        `no listener of Gateway ${gw.key} matches the route's hostnames`,
      ),
      attachments,
    };
  return { accepted: cond("Accepted", true, "Accepted", "Route accepted"), attachments };
}

function attachRoute(route: HTTPRoute, byKey: Map<string, GatewayState>, inputs: GatewayApiInputs): RouteState {
  const { refs, backends } = resolveBackends(route, inputs);
  const state: RouteState = { route, parents: [], attachments: [], backends };
  for (const ref of route.spec?.parentRefs ?? []) {
    if ((ref.group ?? GATEWAY_API_GROUP) !== GATEWAY_API_GROUP || (ref.kind ?? "Gateway") !== "Gateway") continue;
    const gw = byKey.get(`${ref.namespace ?? nsOf(route)}/${ref.name}`);
    if (gw === undefined) continue;
    const { accepted, attachments } = attachParent(route, ref, gw, inputs);
    state.parents.push({ parentRef: ref, accepted, resolvedRefs: refs });
    state.attachments.push(...attachments);
  }
  return state;
}

/**
 * Computes the attachment picture from `inputs`. `cache` holds the states of route objects
 * computed from the same classes, Gateways, grants, namespaces, Services and Secrets (the caller
 * replaces it when any of those change): a route object found there keeps its state, and the
 * states computed are added.
 */
export function attachRoutes(inputs: GatewayApiInputs, cache?: WeakMap<HTTPRoute, RouteState>): Attachments {
  const classes = inputs.classes
    .filter((c) => c.spec?.controllerName === KDNS_GATEWAY_CONTROLLER)
    .map((c) => c.metadata.name ?? "");
  const gateways = inputs.gateways
    .filter((g) => classes.includes(g.spec?.gatewayClassName))
    .map((g) => evaluateGateway(g, inputs));
  const byKey = new Map(gateways.map((g) => [g.key, g]));
  const routes: RouteState[] = [];
  let fresh = 0;
  for (const route of inputs.routes) {
    let state = cache?.get(route);
    if (state === undefined) {
      state = attachRoute(route, byKey, inputs);
      cache?.set(route, state);
      fresh++;
    }
    routes.push(state);
  }
  return { classes, gateways, routes, fresh };
}

/**
 * Fills each Gateway's `attached` counts from the routes' attachments: only its status shows
 * them, so the status writer counts, not every pass.
 */
export function countAttachedRoutes(attachments: Attachments): void {
  const byKey = new Map(attachments.gateways.map((g) => [g.key, g]));
  for (const g of attachments.gateways) g.attached.clear();
  for (const state of attachments.routes)
    for (const a of state.attachments) {
      const gw = byKey.get(a.gateway);
      gw?.attached.set(a.listener, (gw.attached.get(a.listener) ?? 0) + 1);
    }
}
