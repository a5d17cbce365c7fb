/** Applying the allocator to Services on create, update and delete (Kubernetes semantics). */
import type { KubeObject, Service } from "../../api/types.ts";
import { internalError, invalid } from "../../machinery/status.ts";
import type { ClusterIpAllocator } from "./allocator.ts";

function wantsClusterIp(svc: Service): boolean {
  return (svc.spec.type ?? "ClusterIP") !== "ExternalName";
}

function fieldError(svc: Service, value: string, message: string): Error {
  return invalid({ kind: "services", objectKind: "Service", name: svc.metadata.name ?? "" }, [
    { field: "spec.clusterIP", message: `Invalid value: "${value}": ${message}`, reason: "FieldValueInvalid" },
  ]);
}

/**
 * Gives a new Service its cluster IP: the requested one when free and in range, a free one when
 * none was asked for, none for headless ("None") and ExternalName services. Returns the reserved
 * IP (to release if the create then fails), or undefined.
 */
export async function assignClusterIp(obj: KubeObject, allocator: ClusterIpAllocator): Promise<string | undefined> {
  const svc = obj as Service;
  if (!svc.spec || typeof svc.spec !== "object") return undefined;
  if (!wantsClusterIp(svc)) return undefined;
  const owner = { namespace: svc.metadata.namespace ?? "", name: svc.metadata.name ?? "" };
  const requested = svc.spec.clusterIP ?? svc.spec.clusterIPs?.[0] ?? "";
  if (requested === "None") {
    svc.spec.clusterIP = "None";
    svc.spec.clusterIPs = ["None"];
    return undefined;
  }
  if (requested !== "") {
    const result = await allocator.reserve(requested, owner);
    if (result.type === "out-of-range") {
      throw fieldError(
        svc,
        requested,
        `provided IP is not in the valid range. The range of valid IPs is ${allocator.range.cidr}`,
      );
    }
    if (result.type === "taken") throw fieldError(svc, requested, "provided IP is already allocated");
    svc.spec.clusterIP = requested;
    svc.spec.clusterIPs = [requested];
    return requested;
  }
  const result = await allocator.allocate(owner);
  if (result.type === "full")
    throw internalError(`failed to allocate a serviceIP: range is full (${allocator.range.cidr})`);
  svc.spec.clusterIP = result.ip;
  svc.spec.clusterIPs = [result.ip];
  return result.ip;
}

/** On update, the cluster IP is immutable: an empty one keeps the stored IP, a different one is rejected. */
export function keepClusterIp(obj: KubeObject, old: KubeObject): void {
  const svc = obj as Service;
  const before = (old as Service).spec?.clusterIP;
  if (!svc.spec || typeof svc.spec !== "object" || before === undefined) return;
  const asked = svc.spec.clusterIP ?? "";
  if (asked === "") {
    svc.spec.clusterIP = before;
    svc.spec.clusterIPs = [before];
    return;
  }
  if (asked !== before) {
    throw invalid({ kind: "services", objectKind: "Service", name: svc.metadata.name ?? "" }, [
      {
        field: "spec.clusterIP",
        message: `Invalid value: "${asked}": field is immutable`,
        reason: "FieldValueInvalid",
      },
    ]);
  }
  svc.spec.clusterIPs = [before];
}

/** The IP a deleted Service held, to release. */
export function heldClusterIp(obj: KubeObject): string | undefined {
  const ip = (obj as Service).spec?.clusterIP;
  return ip && ip !== "None" ? ip : undefined;
}
