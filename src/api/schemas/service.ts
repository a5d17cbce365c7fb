/** core/v1 Service. */
import {
  ATOMIC,
  bool,
  byKey,
  CORE,
  freeForm,
  INT_OR_STRING,
  int32,
  listOf,
  object,
  ref,
  str,
  stringMap,
  strings,
} from "./build.ts";
import { CONDITION, objectMetaField, TYPE_META } from "./meta.ts";
import type { KindSchema } from "./types.ts";

const PROTOCOLS = ["SCTP", "TCP", "UDP"];

/** The schema of Service. */
export const SERVICE_SCHEMA: KindSchema = {
  name: `${CORE}Service`,
  definitions: {
    [`${CORE}Service`]: object(
      "A stable name and virtual IP (the cluster IP, from the service range) for a set of backends. kdns answers <name>.<namespace>.svc.<cluster domain> with the cluster IP (or, for a headless Service, the ready endpoints' addresses), and its endpoints controller keeps the Service's Endpoints and EndpointSlices in step with the ready Pods its selector matches.",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        spec: ref(`${CORE}ServiceSpec`, "What the Service should be."),
        status: ref(`${CORE}ServiceStatus`, "What the Service is now. Read-only."),
      },
    ),
    [`${CORE}ServiceSpec`]: object("What a Service should be.", {
      ports: listOf(
        ref(`${CORE}ServicePort`),
        "The ports the Service exposes; each one is also a DNS SRV record _<name>._<protocol>.<service>.",
        { ...byKey("port", "protocol") },
      ),
      selector: stringMap(
        "The labels of the Pods behind the Service: the endpoints controller lists the ready Pods that have all of them. Without a selector, the Service's Endpoints are written by hand.",
      ),
      clusterIP: str(
        'The virtual IP of the Service, allocated from the service range (--service-cidr) when not given. "None" makes a headless Service, whose DNS name answers with the ready endpoints themselves. Cannot be changed once set.',
      ),
      clusterIPs: strings(
        "The cluster IPs, at most one per IP family; the first is clusterIP. Cannot be changed once set.",
        ATOMIC,
      ),
      type: str(
        "How the Service is exposed: ClusterIP (the default), ExternalName (a DNS alias: the name answers with a CNAME to externalName), NodePort or LoadBalancer (accepted, served as ClusterIP: kdns runs no node proxy).",
        { enum: ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"], default: "ClusterIP" },
      ),
      externalIPs: strings("IPs outside the cluster that also reach the Service. Stored, not used by kdns.", ATOMIC),
      sessionAffinity: str("ClientIP to send a client to the same backend, or None (the default).", {
        enum: ["ClientIP", "None"],
        default: "None",
      }),
      loadBalancerIP: str("Deprecated: an IP for a LoadBalancer Service. Stored, not used by kdns."),
      loadBalancerSourceRanges: strings("Client ranges a load balancer admits. Stored, not used by kdns.", ATOMIC),
      externalName: str(
        "For type ExternalName: the DNS name the Service's name is an alias of (answered with a CNAME, chased through the upstream resolvers).",
      ),
      externalTrafficPolicy: str("Cluster or Local routing of external traffic. Stored, not used by kdns."),
      healthCheckNodePort: int32("The health-check node port of a LoadBalancer Service. Stored, not used by kdns."),
      publishNotReadyAddresses: bool(
        "Publish endpoints whether or not their Pods are ready: DNS of a headless Service then answers with not-ready addresses too.",
      ),
      sessionAffinityConfig: freeForm("Settings of session affinity (timeoutSeconds of ClientIP affinity)."),
      ipFamilies: strings(
        "The IP families (IPv4, IPv6) of the cluster IPs, in order; filled from the allocated IPs.",
        ATOMIC,
      ),
      ipFamilyPolicy: str("SingleStack, PreferDualStack or RequireDualStack. kdns allocates single-stack IPv4.", {
        enum: ["PreferDualStack", "RequireDualStack", "SingleStack"],
      }),
      allocateLoadBalancerNodePorts: bool("Whether a LoadBalancer Service gets node ports. Stored, not used by kdns."),
      loadBalancerClass: str("The load balancer implementation of a LoadBalancer Service. Stored, not used by kdns."),
      internalTrafficPolicy: str("Cluster or Local routing of in-cluster traffic. Stored, not used by kdns."),
      trafficDistribution: str("A preference for how traffic is spread over endpoints. Stored, not used by kdns."),
    }),
    [`${CORE}ServicePort`]: object(
      "One port of a Service and where its traffic goes.",
      {
        name: str(
          "The port's name, a DNS label, unique within the Service; required when there is more than one port. It names the SRV record and the matching Endpoints port.",
        ),
        protocol: str("TCP (the default), UDP or SCTP.", { enum: PROTOCOLS, default: "TCP" }),
        appProtocol: str("The application protocol, for implementations that care (http, kubernetes.io/h2c, …)."),
        port: int32("The port the Service exposes on its cluster IP (1-65535)."),
        targetPort: ref(
          INT_OR_STRING,
          "The port on the backends: a number, or the name of a container port of the selected Pods. Defaults to port.",
        ),
        nodePort: int32("The node port of a NodePort or LoadBalancer Service. Stored, not used by kdns."),
      },
      ["port"],
    ),
    [`${CORE}ServiceStatus`]: object("What a Service is now.", {
      loadBalancer: ref(`${CORE}LoadBalancerStatus`, "The load balancer in front of a LoadBalancer Service, if any."),
      conditions: listOf(ref(CONDITION), "The Service's current state, one entry per aspect.", byKey("type")),
    }),
    [`${CORE}LoadBalancerStatus`]: object("Where a load balancer can be reached.", {
      ingress: listOf(
        freeForm("One ingress point: ip or hostname, and its ports."),
        "The load balancer's ingress points.",
        ATOMIC,
      ),
    }),
  },
};
