/**
 * Whether a stored Endpoints / EndpointSlice already says what the controller wants, so it
 * writes only on a difference. The controller's caches keep each object's metadata and a digest of
 * what is compared ({@link Digested}), not the object: with 100,000 pods the addresses and target
 * references of every Endpoints and slice would otherwise be held a second time beside the pods.
 * Missing and empty lists count as the same (the API may drop empty fields); protocol defaults to
 * TCP as the API defaults it; key order does not matter.
 */
import { hash } from "node:crypto";
import type { EndpointPort, EndpointSlice, EndpointSubset, Endpoints, KubeObject } from "../../api/types.ts";

/** An Endpoints or EndpointSlice as the controller caches it: metadata to write on, a digest to compare. */
export interface Digested extends KubeObject {
  /** {@link endpointsDigest} or {@link sliceDigest} of the object. */
  digest: string;
}

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

/** JSON.stringify replacer giving objects with sorted keys, so equal content gives equal text. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let sorted = true;
  for (let i = 1; sorted && i < keys.length; i++) sorted = (keys[i - 1] ?? "") < (keys[i] ?? "");
  if (sorted) return value;
  const out: Record<string, unknown> = {};
  for (const key of keys.sort()) out[key] = obj[key];
  return out;
}

// SHA-1 as a content fingerprint only (nothing is trusted on it); the fastest of Node's one-shot hashes.
function digestOf(value: unknown): string {
  return hash("sha1", JSON.stringify(value, sortedKeys), "base64url");
}

function compared(obj: KubeObject): { labels: unknown; owners: unknown } {
  return { labels: obj.metadata.labels ?? {}, owners: obj.metadata.ownerReferences ?? [] };
}

/** Digest of an Endpoints' subsets, labels and owner references. */
export function endpointsDigest(e: Endpoints): string {
  return digestOf({ subsets: subsets(e.subsets), ...compared(e) });
}

/** Digest of a slice's address type, endpoints, ports, labels and owner references. */
export function sliceDigest(s: EndpointSlice): string {
  return digestOf({ addressType: s.addressType, endpoints: s.endpoints ?? [], ports: ports(s.ports), ...compared(s) });
}

/**
 * The cached form of `obj`, whose digest is known. A write's response carries managedFields (the
 * informer's copies do not): they are dropped, or the next update built on this metadata would
 * send them back for the API server to compare, and the cache would hold them.
 */
export function digested(obj: KubeObject, digest: string): Digested {
  let metadata = obj.metadata;
  if (metadata.managedFields !== undefined) {
    const { managedFields: _, ...rest } = metadata;
    metadata = rest;
  }
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata, digest };
}

/** The cached form of an Endpoints. */
export function digestEndpoints(e: Endpoints): Digested {
  return digested(e, endpointsDigest(e));
}

/** The cached form of an EndpointSlice. */
export function digestSlice(s: EndpointSlice): Digested {
  return digested(s, sliceDigest(s));
}
