/**
 * The resource table entries of the Gateway API kinds (gateway.networking.k8s.io), spread into
 * RESOURCES (resources.ts). Served at v1, the version upstream stores and its examples use.
 */
import { defaultGateway, defaultGatewayClass, defaultHTTPRoute } from "./defaults/gateway-api.ts";
import { GATEWAY_API_GROUP } from "./gateway-api-types.ts";
import { GATEWAY_CLASS_SCHEMA, GATEWAY_SCHEMA, HTTP_ROUTE_SCHEMA, REFERENCE_GRANT_SCHEMA } from "./schemas/index.ts";
import { validateGateway } from "./validation/gateway.ts";
import { validateGatewayClass } from "./validation/gateway-class.ts";
import { validateHTTPRoute } from "./validation/http-route.ts";
import { validateReferenceGrant } from "./validation/reference-grant.ts";

/**
 * GatewayClass, Gateway, HTTPRoute and ReferenceGrant, as ResourceInfo entries (typed where
 * resources.ts spreads them: importing the type here would make an import cycle).
 */
export const GATEWAY_API_RESOURCES = [
  {
    group: GATEWAY_API_GROUP,
    version: "v1",
    kind: "GatewayClass",
    resource: "gatewayclasses",
    singular: "gatewayclass",
    namespaced: false,
    shortNames: ["gc"],
    statusSubresource: true,
    applyDefaults: defaultGatewayClass,
    validate: validateGatewayClass,
    schema: GATEWAY_CLASS_SCHEMA,
  },
  {
    group: GATEWAY_API_GROUP,
    version: "v1",
    kind: "Gateway",
    resource: "gateways",
    singular: "gateway",
    namespaced: true,
    shortNames: ["gtw"],
    statusSubresource: true,
    applyDefaults: defaultGateway,
    validate: validateGateway,
    schema: GATEWAY_SCHEMA,
  },
  {
    group: GATEWAY_API_GROUP,
    version: "v1",
    kind: "HTTPRoute",
    resource: "httproutes",
    singular: "httproute",
    namespaced: true,
    shortNames: [],
    statusSubresource: true,
    applyDefaults: defaultHTTPRoute,
    validate: validateHTTPRoute,
    schema: HTTP_ROUTE_SCHEMA,
  },
  {
    group: GATEWAY_API_GROUP,
    version: "v1",
    kind: "ReferenceGrant",
    resource: "referencegrants",
    singular: "referencegrant",
    namespaced: true,
    shortNames: ["refgrant"],
    statusSubresource: false,
    applyDefaults: () => undefined,
    validate: validateReferenceGrant,
    schema: REFERENCE_GRANT_SCHEMA,
  },
];
