/** networking.k8s.io/v1 IngressClass, as Kubernetes defines it. */
import { NETWORKING, object, ref, str } from "./build.ts";
import { objectMetaField, TYPE_META } from "./meta.ts";
import type { KindSchema } from "./types.ts";

/** The schema of IngressClass. */
export const INGRESS_CLASS_SCHEMA: KindSchema = {
  name: `${NETWORKING}IngressClass`,
  definitions: {
    [`${NETWORKING}IngressClass`]: object(
      'A class of Ingresses and the controller that serves them. kdns creates the class kdns (controller kdns.dev/gateway) marked default with the annotation ingressclass.kubernetes.io/is-default-class: "true", unless it was deleted.',
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        spec: ref(`${NETWORKING}IngressClassSpec`, "The controller of the class."),
      },
    ),
    [`${NETWORKING}IngressClassSpec`]: object("The controller of a class.", {
      controller: str(
        "The controller that serves the class, a domain-prefixed path (kdns.dev/gateway for kdns's gateway); immutable.",
      ),
      parameters: ref(
        `${NETWORKING}IngressClassParametersReference`,
        "Controller-specific parameters (kdns has none and ignores them).",
      ),
    }),
    [`${NETWORKING}IngressClassParametersReference`]: object(
      "A reference to an object holding a controller's parameters.",
      {
        apiGroup: str("The group of the kind."),
        kind: str("The kind."),
        name: str("The name."),
        scope: str("Cluster or Namespace."),
        namespace: str("The namespace, when scope is Namespace."),
      },
      ["kind", "name"],
    ),
  },
};
