/**
 * networking.k8s.io/v1 Ingress, as Kubernetes defines it; the descriptions say what the kdns
 * gateway does with each field (src/gateway/routes/from-ingress.ts).
 */
import { CORE, int32, listOf, NETWORKING, object, ref, str, strings } from "./build.ts";
import { objectMetaField, TYPE_META } from "./meta.ts";
import type { KindSchema } from "./types.ts";

/** The schema of Ingress. */
export const INGRESS_SCHEMA: KindSchema = {
  name: `${NETWORKING}Ingress`,
  definitions: {
    [`${NETWORKING}Ingress`]: object(
      "HTTP routes to Services: the kdns gateway serves an Ingress whose class is kdns (or that has no class while kdns is the default class), and DNS answers its hosts with the gateway address.",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        spec: ref(`${NETWORKING}IngressSpec`, "The rules, default backend and TLS of the Ingress."),
        status: ref(`${NETWORKING}IngressStatus`, "Where the Ingress is served, written by the gateway."),
      },
    ),
    [`${NETWORKING}IngressSpec`]: object("What an Ingress routes.", {
      ingressClassName: str(
        'The IngressClass that serves this Ingress. Unset: the class marked default (annotation ingressclass.kubernetes.io/is-default-class: "true"), kdns when it is.',
      ),
      defaultBackend: ref(
        `${NETWORKING}IngressBackend`,
        "Where requests no rule matches go: served on every host of the Ingress after its paths, and for any host when a rule has no host.",
      ),
      tls: listOf(
        ref(`${NETWORKING}IngressTLS`),
        "HTTPS for hosts: each entry names a kubernetes.io/tls Secret in the Ingress's namespace and the hosts it covers.",
      ),
      rules: listOf(
        ref(`${NETWORKING}IngressRule`),
        "Host rules; a rule without host serves every host no other rule names.",
      ),
    }),
    [`${NETWORKING}IngressRule`]: object("The paths of one host.", {
      host: str(
        "A DNS name (lower case, no IP, no port), or '*.' followed by one: a wildcard for every name under it. DNS answers the host with the gateway address.",
      ),
      http: ref(`${NETWORKING}HTTPIngressRuleValue`, "The HTTP paths of the host."),
    }),
    [`${NETWORKING}HTTPIngressRuleValue`]: object(
      "The HTTP paths of a rule.",
      { paths: listOf(ref(`${NETWORKING}HTTPIngressPath`), "The paths, at least one.") },
      ["paths"],
    ),
    [`${NETWORKING}HTTPIngressPath`]: object(
      "A path and its backend. The path reaches the backend unchanged. Of several matching paths the longest wins, Exact before Prefix on a tie.",
      {
        path: str(
          "An absolute path of the characters A-Z a-z 0-9 '.' '_' '~' '-' '/' only, at most 1024 characters, without '//', '/./' or '/../'.",
        ),
        pathType: str(
          "Exact: the whole path, case-sensitive. Prefix: whole path elements ('/a' matches '/a', '/a/' and '/a/b', not '/ab'). ImplementationSpecific: served as Prefix.",
          { enum: ["Exact", "Prefix", "ImplementationSpecific"] },
        ),
        backend: ref(`${NETWORKING}IngressBackend`, "Where matching requests go."),
      },
      ["pathType", "backend"],
    ),
    [`${NETWORKING}IngressBackend`]: object("A backend: a Service port in the Ingress's namespace.", {
      service: ref(`${NETWORKING}IngressServiceBackend`, "The Service; requests go to its ready endpoints."),
      resource: ref(
        `${CORE}TypedLocalObjectReference`,
        "A non-Service backend: accepted, not served by kdns (requests get 503).",
      ),
    }),
    [`${CORE}TypedLocalObjectReference`]: object(
      "A reference to an object of a kind in the same namespace.",
      {
        apiGroup: str("The group of the kind; empty for the core group."),
        kind: str("The kind."),
        name: str("The name."),
      },
      ["kind", "name"],
    ),
    [`${NETWORKING}IngressServiceBackend`]: object(
      "A Service and one of its ports.",
      {
        name: str("The Service's name, in the Ingress's namespace."),
        port: ref(`${NETWORKING}ServiceBackendPort`, "The Service port, by number or by name."),
      },
      ["name"],
    ),
    [`${NETWORKING}ServiceBackendPort`]: object("A Service port: set number or name, not both.", {
      name: str("The Service port's name."),
      number: int32("The Service port's number."),
    }),
    [`${NETWORKING}IngressTLS`]: object("HTTPS for some hosts of the Ingress.", {
      hosts: strings("The hosts the certificate serves; empty means every host of the Ingress.", {
        listType: "atomic",
      }),
      secretName: str("A kubernetes.io/tls Secret in the Ingress's namespace whose certificate covers the hosts."),
    }),
    [`${NETWORKING}IngressStatus`]: object("Where the Ingress is served.", {
      loadBalancer: ref(`${NETWORKING}IngressLoadBalancerStatus`, "The gateway's address."),
    }),
    [`${NETWORKING}IngressLoadBalancerStatus`]: object("The addresses the Ingress is served at.", {
      ingress: listOf(ref(`${NETWORKING}IngressLoadBalancerIngress`), "One entry per address."),
    }),
    [`${NETWORKING}IngressLoadBalancerIngress`]: object("One address the Ingress is served at.", {
      ip: str("The gateway's IP address: what DNS answers the Ingress's hosts with."),
      hostname: str("A host name of the address (kdns sets ip)."),
      ports: listOf(ref(`${NETWORKING}IngressPortStatus`), "Port statuses (kdns leaves them empty)."),
    }),
    [`${NETWORKING}IngressPortStatus`]: object(
      "The state of one port.",
      {
        port: int32("The port number."),
        protocol: str("TCP, UDP or SCTP."),
        error: str("Why the port is not served."),
      },
      ["port", "protocol"],
    ),
  },
};
