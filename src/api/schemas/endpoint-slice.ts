/** discovery.k8s.io/v1 EndpointSlice. */
import { ATOMIC, bool, DISCOVERY, freeForm, int32, listOf, object, ref, str, stringMap, strings } from "./build.ts";
import { objectMetaField, TYPE_META } from "./meta.ts";
import { OBJECT_REFERENCE, OBJECT_REFERENCE_DEFINITIONS } from "./object-reference.ts";
import type { KindSchema } from "./types.ts";

/** The schema of EndpointSlice. */
export const ENDPOINT_SLICE_SCHEMA: KindSchema = {
  name: `${DISCOVERY}EndpointSlice`,
  definitions: {
    ...OBJECT_REFERENCE_DEFINITIONS,
    [`${DISCOVERY}EndpointSlice`]: object(
      "Part of the endpoints of a Service (named by the kubernetes.io/service-name label), of one address family. kdns's endpoints controller writes them beside the Endpoints; DNS reads either.",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        addressType: str("The address family of every endpoint in the slice: IPv4, IPv6 or FQDN. Cannot be changed.", {
          enum: ["FQDN", "IPv4", "IPv6"],
        }),
        endpoints: listOf(ref(`${DISCOVERY}Endpoint`), "The endpoints of the slice.", ATOMIC),
        ports: listOf(
          ref(`${DISCOVERY}EndpointPort`),
          "The ports every endpoint of the slice serves; none means no port is exposed.",
          ATOMIC,
        ),
      },
      ["addressType", "endpoints"],
    ),
    [`${DISCOVERY}Endpoint`]: object(
      "One backend of a slice.",
      {
        addresses: strings("The backend's addresses, of the slice's address type; consumers use the first.", {
          listType: "set",
        }),
        conditions: ref(`${DISCOVERY}EndpointConditions`, "Whether the backend is ready, serving or terminating."),
        hostname: str("The backend's hostname, for per-endpoint DNS names of a headless Service."),
        targetRef: ref(OBJECT_REFERENCE, "The object behind the endpoint, usually a Pod."),
        deprecatedTopology: stringMap("Deprecated topology labels; use nodeName and zone."),
        nodeName: str("The node the backend runs on."),
        zone: str("The zone the backend runs in."),
        hints: freeForm("Hints for topology-aware routing (forZones, forNodes)."),
      },
      ["addresses"],
    ),
    [`${DISCOVERY}EndpointConditions`]: object("The state of one endpoint.", {
      ready: bool(
        "The backend accepts new connections; DNS answers with ready endpoints only, unless the Service publishes not-ready ones.",
      ),
      serving: bool("The backend serves, whether or not it is terminating."),
      terminating: bool("The backend is shutting down."),
    }),
    [`${DISCOVERY}EndpointPort`]: object("One port of a slice.", {
      name: str("The name of the Service port this is (empty for a single unnamed port)."),
      protocol: str("TCP (the default), UDP or SCTP.", { enum: ["SCTP", "TCP", "UDP"], default: "TCP" }),
      port: int32("The port number; unset means every port."),
      appProtocol: str("The application protocol, copied from the Service port."),
    }),
  },
};
