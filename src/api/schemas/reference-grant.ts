/** gateway.networking.k8s.io/v1 ReferenceGrant: which namespaces may refer to which objects in this one. */
import { ATOMIC, listOf, object, ref, str } from "./build.ts";
import { GATEWAY_V1 } from "./gateway-api-common.ts";
import { objectMetaField, TYPE_META } from "./meta.ts";
import type { KindSchema } from "./types.ts";

/** The schema of ReferenceGrant. */
export const REFERENCE_GRANT_SCHEMA: KindSchema = {
  name: `${GATEWAY_V1}ReferenceGrant`,
  definitions: {
    [`${GATEWAY_V1}ReferenceGrant`]: object(
      "Lets objects of the listed kinds in other namespaces refer to objects in this namespace: an HTTPRoute to a Service (backendRefs), a Gateway to a Secret (certificateRefs).",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        spec: ref(`${GATEWAY_V1}ReferenceGrantSpec`, "Who may refer to what."),
      },
    ),
    [`${GATEWAY_V1}ReferenceGrantSpec`]: object(
      "The trusted referrers and the objects they may refer to.",
      {
        from: listOf(ref(`${GATEWAY_V1}ReferenceGrantFrom`), "The referrers, 1 to 16.", ATOMIC),
        to: listOf(
          ref(`${GATEWAY_V1}ReferenceGrantTo`),
          "The objects of this namespace they may refer to, 1 to 16.",
          ATOMIC,
        ),
      },
      ["from", "to"],
    ),
    [`${GATEWAY_V1}ReferenceGrantFrom`]: object(
      "Objects of one kind in one namespace.",
      {
        group: str("The API group of the referrers (gateway.networking.k8s.io for routes and Gateways)."),
        kind: str("The kind of the referrers (HTTPRoute, Gateway)."),
        namespace: str("The namespace of the referrers."),
      },
      ["group", "kind", "namespace"],
    ),
    [`${GATEWAY_V1}ReferenceGrantTo`]: object(
      "Objects of one kind in this namespace, or one of them.",
      {
        group: str('The API group of the objects ("" for Services and Secrets).'),
        kind: str("The kind of the objects (Service, Secret)."),
        name: str("One object's name; every object of the kind when empty."),
      },
      ["group", "kind"],
    ),
  },
};
