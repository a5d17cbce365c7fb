/** core/v1 Endpoints. */
import { ATOMIC, CORE, int32, listOf, object, ref, str } from "./build.ts";
import { objectMetaField, TYPE_META } from "./meta.ts";
import { OBJECT_REFERENCE, OBJECT_REFERENCE_DEFINITIONS } from "./object-reference.ts";
import type { KindSchema } from "./types.ts";

/** The schema of Endpoints. */
export const ENDPOINTS_SCHEMA: KindSchema = {
  name: `${CORE}Endpoints`,
  definitions: {
    ...OBJECT_REFERENCE_DEFINITIONS,
    [`${CORE}Endpoints`]: object(
      "The addresses behind a Service, named after it. kdns's endpoints controller writes them for Services with a selector; for a Service without one, write them by hand. DNS answers a headless Service's name with the ready addresses.",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        subsets: listOf(
          ref(`${CORE}EndpointSubset`),
          "Groups of addresses that share the same ports. The whole list is replaced on every change.",
          ATOMIC,
        ),
      },
    ),
    [`${CORE}EndpointSubset`]: object("Addresses that serve the same ports.", {
      addresses: listOf(ref(`${CORE}EndpointAddress`), "Addresses ready to serve.", ATOMIC),
      notReadyAddresses: listOf(
        ref(`${CORE}EndpointAddress`),
        "Addresses not ready yet (or any more); DNS leaves them out unless the Service publishes not-ready addresses.",
        ATOMIC,
      ),
      ports: listOf(ref(`${CORE}EndpointPort`), "The ports these addresses serve.", ATOMIC),
    }),
    [`${CORE}EndpointAddress`]: object(
      "One backend address.",
      {
        ip: str("The IP of the backend (IPv4 or IPv6)."),
        hostname: str(
          "The backend's hostname: a headless Service answers <hostname>.<service>.<namespace>.svc.<domain> with this address.",
        ),
        nodeName: str("The node the backend runs on."),
        targetRef: ref(OBJECT_REFERENCE, "The object behind the address, usually a Pod."),
      },
      ["ip"],
    ),
    [`${CORE}EndpointPort`]: object(
      "One port the addresses serve.",
      {
        name: str("The name of the Service port this is (empty when the Service has a single unnamed port)."),
        port: int32("The port number (1-65535)."),
        protocol: str("TCP (the default), UDP or SCTP.", { enum: ["SCTP", "TCP", "UDP"], default: "TCP" }),
        appProtocol: str("The application protocol, copied from the Service port."),
      },
      ["port"],
    ),
  },
};
