/**
 * Definitions the Gateway API kinds share (gateway.networking.k8s.io/v1): parent and backend
 * references, route parent status. Named as kube-apiserver names the upstream CRDs' types, after
 * the reversed group (`io.k8s.networking.gateway.v1.`).
 */
import { ATOMIC, byKey, int32, listOf, object, ref, str } from "./build.ts";
import { CONDITION } from "./meta.ts";
import type { Definition } from "./types.ts";

/** The definition name prefix of gateway.networking.k8s.io/v1. */
export const GATEWAY_V1 = "io.k8s.networking.gateway.v1.";

/** A reference's group, kind, name and namespace fields, worded for `what` it points at. */
export function referenceFields(what: string, defaultGroup: string, defaultKind: string) {
  return {
    group: str(`The API group of the ${what} (default "${defaultGroup}"; "" is the core group).`),
    kind: str(`The kind of the ${what} (default ${defaultKind}).`),
    name: str(`The name of the ${what}.`),
    namespace: str(
      `The namespace of the ${what}; the referring object's own when empty. Another namespace needs a ReferenceGrant there, except for a parent Gateway.`,
    ),
  };
}

/** The conditions list of a Gateway API status. */
export function conditionsField(description: string) {
  return listOf(ref(CONDITION), description, byKey("type"));
}

/** ParentReference and RouteParentStatus. */
export const ROUTE_DEFINITIONS: Record<string, Definition> = {
  [`${GATEWAY_V1}ParentReference`]: object(
    "A Gateway (or one listener of it) a route attaches to.",
    {
      ...referenceFields("parent", "gateway.networking.k8s.io", "Gateway"),
      sectionName: str("The name of one listener of the Gateway; every listener that allows the route when empty."),
      port: int32("The port of the listeners to attach to; every port when empty."),
    },
    ["name"],
  ),
  [`${GATEWAY_V1}RouteParentStatus`]: object(
    "The state of a route with respect to one of its parents, written by the controller of that parent.",
    {
      parentRef: ref(`${GATEWAY_V1}ParentReference`, "The parent this status is about, as the route names it."),
      controllerName: str("The controller that wrote this status (kdns.dev/gateway)."),
      conditions: conditionsField(
        "Accepted (attached to the parent: reasons Accepted, NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname, UnsupportedValue) and ResolvedRefs (every reference resolved: reasons ResolvedRefs, BackendNotFound, RefNotPermitted, InvalidKind).",
      ),
    },
    ["parentRef", "controllerName"],
  ),
};

/** The `parentRefs` list field. */
export const PARENT_REFS = listOf(
  ref(`${GATEWAY_V1}ParentReference`),
  "The Gateways (or listeners) the route attaches to, at most 32; two references to one Gateway must name different sections.",
  ATOMIC,
);
