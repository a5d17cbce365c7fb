/** coordination.k8s.io/v1 Lease. */
import { int32, object, ref, str } from "./build.ts";
import { MICRO_TIME, objectMetaField, TYPE_META } from "./meta.ts";
import type { KindSchema } from "./types.ts";

const COORDINATION = "io.k8s.api.coordination.v1.";

/** The schema of Lease. */
export const LEASE_SCHEMA: KindSchema = {
  name: `${COORDINATION}Lease`,
  definitions: {
    [`${COORDINATION}LeaseSpec`]: object("Who holds the lease, and until when.", {
      holderIdentity: str("The identity of the current holder."),
      leaseDurationSeconds: int32("How long after renewTime the lease stays held; candidates wait this long."),
      acquireTime: ref(MICRO_TIME, "When the current holder acquired the lease."),
      renewTime: ref(MICRO_TIME, "When the current holder last renewed the lease."),
      leaseTransitions: int32("How many times the lease changed holders."),
      strategy: str("The strategy for picking a leader in coordinated leader election."),
      preferredHolder: str("The holder a coordinated leader election would like to hold the lease."),
    }),
    [`${COORDINATION}Lease`]: object(
      "A lease, for leader election among replicas: kdns gateways elect the one that writes route statuses with it, as client-go's leader election does.",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        spec: ref(`${COORDINATION}LeaseSpec`, "The lease's holder and times."),
      },
    ),
  },
};
