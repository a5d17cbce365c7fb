/**
 * Which Ingresses the kdns gateway serves (Kubernetes IngressClass rules,
 * kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class): one whose
 * `spec.ingressClassName` (or the older `kubernetes.io/ingress.class` annotation) names an
 * IngressClass whose controller is kdns's; one with no class when a kdns class is marked default
 * (`ingressclass.kubernetes.io/is-default-class: "true"`). The class kdns creates for itself is
 * {@link DEFAULT_INGRESS_CLASS}.
 */
import type { Ingress, IngressClass } from "../../api/types.ts";

/** The controller name kdns's classes carry (also the Gateway API GatewayClass controllerName). */
export const KDNS_CONTROLLER = "kdns.dev/gateway";

/** The annotation that marks a class default. */
export const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

/** The annotation class of Ingresses written before networking.k8s.io/v1. */
const LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/** The IngressClass kdns creates unless it was deleted. */
export const DEFAULT_INGRESS_CLASS: IngressClass = {
  apiVersion: "networking.k8s.io/v1",
  kind: "IngressClass",
  metadata: { name: "kdns", annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } },
  spec: { controller: KDNS_CONTROLLER },
};

/** What the gateway knows of the classes: the names of kdns's classes and whether one is default. */
export interface KdnsClasses {
  names: ReadonlySet<string>;
  isDefault: boolean;
}

/** Reads the classes that are kdns's. */
export function kdnsClasses(classes: readonly IngressClass[]): KdnsClasses {
  const ours = classes.filter((c) => c.spec?.controller === KDNS_CONTROLLER);
  return {
    names: new Set(ours.map((c) => c.metadata.name ?? "")),
    isDefault: ours.some((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true"),
  };
}

/** Whether the gateway serves `ingress`. */
export function servesIngress(ingress: Ingress, classes: KdnsClasses): boolean {
  const name = ingress.spec?.ingressClassName || ingress.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
  return name ? classes.names.has(name) : classes.isDefault;
}
