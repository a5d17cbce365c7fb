/** The one port default every kind shares. */
import { isRecord } from "../validation/guards.ts";

/** Sets `protocol: "TCP"` on every port object in `ports` lacking one (Kubernetes' default protocol). */
export function defaultProtocols(ports: unknown): void {
  if (!Array.isArray(ports)) return;
  for (const p of ports as unknown[]) {
    if (isRecord(p) && (p["protocol"] === undefined || p["protocol"] === "")) p["protocol"] = "TCP";
  }
}
