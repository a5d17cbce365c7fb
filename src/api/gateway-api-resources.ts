/**
 * The resource table entries of the Gateway API kinds (gateway.networking.k8s.io), spread into
 * RESOURCES (resources.ts), with the versions and storage versions of upstream's standard CRDs
 * (v1.5 and later): GatewayClass, Gateway and HTTPRoute stored at v1 and also served at v1beta1;
 * ReferenceGrant stored at v1beta1 (its only version up to v1.4) and also served at v1. The
 * versions' fields are the same for these kinds, so converting is renaming the apiVersion.
 */
import { defaultGateway, defaultGatewayClass, defaultHTTPRoute } from "./defaults/gateway-api.ts";
import { GATEWAY_API_GROUP } from "./gateway-api-types.ts";
import { GATEWAY_V1 } from "./schemas/gateway-api-common.ts";
import { GATEWAY_CLASS_SCHEMA, GATEWAY_SCHEMA, HTTP_ROUTE_SCHEMA, REFERENCE_GRANT_SCHEMA } from "./schemas/index.ts";
import { renamedSchema } from "./schemas/renamed.ts";
import type { KindSchema } from "./schemas/types.ts";
import type { ServedVersion } from "./served-version.ts";
import { validateGateway } from "./validation/gateway.ts";
import { validateGatewayClass } from "./validation/gateway-class.ts";
import { validateHTTPRoute } from "./validation/http-route.ts";
import { validateReferenceGrant } from "./validation/reference-grant.ts";

/** The definition name prefix of gateway.networking.k8s.io/v1beta1. */
const GATEWAY_V1BETA1 = "io.k8s.networking.gateway.v1beta1.";

/** `schema` (a v1 one) as its v1beta1 twin. */
function v1beta1(schema: KindSchema): ServedVersion {
  return { name: "v1beta1", schema: renamedSchema(schema, GATEWAY_V1, GATEWAY_V1BETA1) };
}

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
    alsoServed: [v1beta1(GATEWAY_CLASS_SCHEMA)],
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
    alsoServed: [v1beta1(GATEWAY_SCHEMA)],
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
    alsoServed: [v1beta1(HTTP_ROUTE_SCHEMA)],
  },
  {
    group: GATEWAY_API_GROUP,
    version: "v1beta1",
    kind: "ReferenceGrant",
    resource: "referencegrants",
    singular: "referencegrant",
    namespaced: true,
    shortNames: ["refgrant"],
    statusSubresource: false,
    applyDefaults: () => undefined,
    validate: validateReferenceGrant,
    schema: renamedSchema(REFERENCE_GRANT_SCHEMA, GATEWAY_V1, GATEWAY_V1BETA1),
    alsoServed: [{ name: "v1", schema: REFERENCE_GRANT_SCHEMA }],
  },
];
