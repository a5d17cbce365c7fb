/**
 * Whether a stored Endpoints / EndpointSlice already says what the controller wants, so it
 * writes only on a difference. Missing and empty lists count as the same (the API may drop
 * empty fields); protocol defaults to TCP as the API defaults it.
 */
import { isDeepStrictEqual } from "node:util";
import type { EndpointPort, EndpointSlice, EndpointSubset, Endpoints } from "../../api/types.ts";

function ports(list: readonly EndpointPort[] | undefined): EndpointPort[] {
  return (list ?? []).map((p) => ({ ...p, protocol: p.protocol ?? "TCP" }));
}

function subsets(list: readonly EndpointSubset[] | undefined): unknown {
  return (list ?? []).map((s) => ({
    addresses: s.addresses ?? [],
    notReadyAddresses: s.notReadyAddresses ?? [],
    ports: ports(s.ports),
  }));
}

/** Same subsets, labels and owner references. */
export function endpointsEqual(current: Endpoints, desired: Endpoints): boolean {
  return (
    isDeepStrictEqual(subsets(current.subsets), subsets(desired.subsets)) &&
    isDeepStrictEqual(current.metadata.labels ?? {}, desired.metadata.labels ?? {}) &&
    isDeepStrictEqual(current.metadata.ownerReferences ?? [], desired.metadata.ownerReferences ?? [])
  );
}

/** Same address type, endpoints, ports, labels and owner references. */
export function slicesEqual(current: EndpointSlice, desired: EndpointSlice): boolean {
  return (
    current.addressType === desired.addressType &&
    isDeepStrictEqual(current.endpoints ?? [], desired.endpoints) &&
    isDeepStrictEqual(ports(current.ports), ports(desired.ports)) &&
    isDeepStrictEqual(current.metadata.labels ?? {}, desired.metadata.labels ?? {}) &&
    isDeepStrictEqual(current.metadata.ownerReferences ?? [], desired.metadata.ownerReferences ?? [])
  );
}
