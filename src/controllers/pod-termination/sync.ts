/**
 * When a terminating pod's grace period is over (pure). kdns runs no kubelet, so nothing stops
 * containers and confirms it with the final delete at grace period 0; this controller makes that
 * delete when `metadata.deletionTimestamp` (request time + grace period) has passed.
 */
import { deletionGraceOf, isBeingDeleted } from "../../api/deletion.ts";
import type { KubeObject } from "../../api/types.ts";

/** Milliseconds until the pod's grace period ends (≤ 0: now), or undefined when it is not terminating gracefully. */
export function graceLeftMs(pod: KubeObject, now: number): number | undefined {
  if (!isBeingDeleted(pod) || deletionGraceOf(pod) === 0) return undefined;
  const at = Date.parse(pod.metadata.deletionTimestamp ?? "");
  return Number.isNaN(at) ? 0 : at - now;
}
