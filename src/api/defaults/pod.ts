/** Pod defaults: container port protocols, and podIP/podIPs kept in step (Kubernetes keeps both). */
import type { KubeObject } from "../types.ts";
import { isRecord } from "../validation/guards.ts";
import { defaultProtocols } from "./ports.ts";

/** Defaults a Pod in place; never throws. */
export function defaultPod(obj: KubeObject): void {
  const spec = obj.spec;
  if (isRecord(spec) && Array.isArray(spec["containers"])) {
    for (const c of spec["containers"] as unknown[]) if (isRecord(c)) defaultProtocols(c["ports"]);
  }
  const status = obj.status;
  if (!isRecord(status)) return;
  const podIP = status["podIP"];
  const podIPs = status["podIPs"];
  const noList = podIPs === undefined || (Array.isArray(podIPs) && podIPs.length === 0);
  if (typeof podIP === "string" && podIP !== "" && noList) {
    status["podIPs"] = [{ ip: podIP }];
  } else if ((podIP === undefined || podIP === "") && Array.isArray(podIPs)) {
    const first: unknown = podIPs[0];
    if (isRecord(first) && typeof first["ip"] === "string") status["podIP"] = first["ip"];
  }
}
