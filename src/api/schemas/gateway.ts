/** gateway.networking.k8s.io/v1 Gateway: listeners on kdns's gateway and the routes they admit. */
import { ATOMIC, freeForm, int32, listOf, object, ref, str } from "./build.ts";
import { conditionsField, GATEWAY_V1, referenceFields } from "./gateway-api-common.ts";
import { objectMetaField, TYPE_META } from "./meta.ts";
import type { KindSchema } from "./types.ts";

const ADDRESS = `${GATEWAY_V1}GatewayAddress`;
const KIND = `${GATEWAY_V1}RouteGroupKind`;

/** The schema of Gateway. */
export const GATEWAY_SCHEMA: KindSchema = {
  name: `${GATEWAY_V1}Gateway`,
  definitions: {
    [`${GATEWAY_V1}Gateway`]: object(
      "Listeners that accept traffic for routes. A Gateway of a class served by kdns.dev/gateway maps its HTTP listeners onto kdns's gateway HTTP listener and its HTTPS listeners onto the HTTPS listener; DNS answers its routes' hostnames with the gateway address.",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        spec: ref(`${GATEWAY_V1}GatewaySpec`, "The class, listeners and requested addresses."),
        status: ref(`${GATEWAY_V1}GatewayStatus`, "What the controller made of the Gateway. Read-only."),
      },
      ["spec"],
    ),
    [`${GATEWAY_V1}GatewaySpec`]: object(
      "The desired Gateway.",
      {
        gatewayClassName: str("The GatewayClass of the Gateway."),
        listeners: listOf(
          ref(`${GATEWAY_V1}Listener`),
          "The listeners, 1 to 64, with unique names and unique port + protocol + hostname.",
          { listType: "map", listMapKeys: ["name"] },
        ),
        addresses: listOf(
          ref(ADDRESS),
          "Addresses requested for the Gateway, at most 16; kdns reports its own.",
          ATOMIC,
        ),
      },
      ["gatewayClassName", "listeners"],
    ),
    [ADDRESS]: object(
      "An address of a Gateway.",
      {
        type: str("IPAddress (default), Hostname or NamedAddress."),
        value: str("The address."),
      },
      ["value"],
    ),
    [`${GATEWAY_V1}Listener`]: object(
      "One logical endpoint of a Gateway: a protocol on a port, optionally for one hostname.",
      {
        name: str("The listener's name, unique in the Gateway (a DNS subdomain); routes attach to it by sectionName."),
        hostname: str(
          "The hostname (exact or '*.' wildcard) the listener serves; every hostname when empty. Routes' hostnames are intersected with it.",
        ),
        port: int32("The port (1-65535)."),
        protocol: str("HTTP or HTTPS for kdns; TLS, TCP and UDP listeners are reported UnsupportedProtocol."),
        tls: ref(`${GATEWAY_V1}GatewayTLSConfig`, "TLS settings, required for HTTPS and refused for HTTP."),
        allowedRoutes: ref(
          `${GATEWAY_V1}AllowedRoutes`,
          "Which routes may attach (default: from the Gateway's namespace).",
        ),
      },
      ["name", "port", "protocol"],
    ),
    [`${GATEWAY_V1}GatewayTLSConfig`]: object("How an HTTPS listener terminates TLS.", {
      mode: str("Terminate (default; the only mode for HTTPS) or Passthrough."),
      certificateRefs: listOf(
        ref(`${GATEWAY_V1}SecretObjectReference`),
        "kubernetes.io/tls Secrets with the certificate and key, at most 64; kdns serves the first. A Secret in another namespace needs a ReferenceGrant there.",
        ATOMIC,
      ),
      options: freeForm("Implementation-specific TLS options; kdns uses none."),
    }),
    [`${GATEWAY_V1}SecretObjectReference`]: object(
      "A reference to a Secret.",
      referenceFields("Secret", "", "Secret"),
      ["name"],
    ),
    [`${GATEWAY_V1}AllowedRoutes`]: object("Which routes may attach to a listener.", {
      namespaces: ref(`${GATEWAY_V1}RouteNamespaces`, "The namespaces routes may come from."),
      kinds: listOf(ref(KIND), "The route kinds allowed (default: HTTPRoute for HTTP and HTTPS).", ATOMIC),
    }),
    [`${GATEWAY_V1}RouteNamespaces`]: object("The namespaces routes may attach from.", {
      from: str("All, Same (the Gateway's namespace, default) or Selector."),
      selector: freeForm("A label selector on namespaces, used when from is Selector."),
    }),
    [KIND]: object(
      "A route kind.",
      { group: str("The kind's API group (default gateway.networking.k8s.io)."), kind: str("The kind.") },
      ["kind"],
    ),
    [`${GATEWAY_V1}GatewayStatus`]: object("The state of a Gateway, written by its controller.", {
      addresses: listOf(ref(ADDRESS), "The addresses the Gateway is reachable at: kdns's gateway address.", ATOMIC),
      conditions: conditionsField(
        "Accepted (the class is served and the spec valid) and Programmed (the listeners are configured in the gateway).",
      ),
      listeners: listOf(ref(`${GATEWAY_V1}ListenerStatus`), "The state of each listener.", {
        listType: "map",
        listMapKeys: ["name"],
      }),
    }),
    [`${GATEWAY_V1}ListenerStatus`]: object(
      "The state of one listener.",
      {
        name: str("The listener's name."),
        supportedKinds: listOf(ref(KIND), "The route kinds the listener accepts.", ATOMIC),
        attachedRoutes: int32("How many routes are attached to the listener."),
        conditions: conditionsField(
          "Accepted, Programmed, ResolvedRefs (certificates found and permitted: reasons InvalidCertificateRef, RefNotPermitted) and Conflicted.",
        ),
      },
      ["name", "supportedKinds", "attachedRoutes", "conditions"],
    ),
  },
};
