/** gateway.networking.k8s.io/v1 GatewayClass: a class of Gateways and the controller that serves it. */
import { object, ref, str } from "./build.ts";
import { conditionsField, GATEWAY_V1, referenceFields } from "./gateway-api-common.ts";
import { objectMetaField, TYPE_META } from "./meta.ts";
import type { KindSchema } from "./types.ts";

/** The schema of GatewayClass. */
export const GATEWAY_CLASS_SCHEMA: KindSchema = {
  name: `${GATEWAY_V1}GatewayClass`,
  definitions: {
    [`${GATEWAY_V1}GatewayClass`]: object(
      "A class of Gateways, cluster-wide, served by the controller it names. kdns accepts the classes whose controllerName is kdns.dev/gateway.",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        spec: ref(`${GATEWAY_V1}GatewayClassSpec`, "The controller and parameters of the class."),
        status: ref(`${GATEWAY_V1}GatewayClassStatus`, "Whether the controller accepted the class. Read-only."),
      },
      ["spec"],
    ),
    [`${GATEWAY_V1}GatewayClassSpec`]: object(
      "What serves the Gateways of a class.",
      {
        controllerName: str(
          "The controller that serves the class, a domain-prefixed path (kdns.dev/gateway for kdns). Cannot be changed.",
        ),
        parametersRef: ref(
          `${GATEWAY_V1}ParametersReference`,
          "An object holding settings for the class; kdns uses none.",
        ),
        description: str("What the class is for, at most 64 characters."),
      },
      ["controllerName"],
    ),
    [`${GATEWAY_V1}ParametersReference`]: object(
      "A reference to the object holding a class's settings.",
      referenceFields("parameters object", "", "(required)"),
      ["kind", "name"],
    ),
    [`${GATEWAY_V1}GatewayClassStatus`]: object("The state of a GatewayClass, written by its controller.", {
      conditions: conditionsField(
        "Accepted: True when the controller serves the class (reason Accepted), Unknown until a controller has looked at it (Pending).",
      ),
    }),
  },
};
