/** Endpoints and EndpointSlice defaults: port protocol TCP. */
import type { KubeObject } from "../types.ts";
import { isRecord } from "../validation/guards.ts";
import { defaultProtocols } from "./ports.ts";

/** Defaults an Endpoints in place; never throws. */
export function defaultEndpoints(obj: KubeObject): void {
  if (!Array.isArray(obj["subsets"])) return;
  for (const s of obj["subsets"] as unknown[]) if (isRecord(s)) defaultProtocols(s["ports"]);
}

/** Defaults an EndpointSlice in place; never throws. */
export function defaultEndpointSlice(obj: KubeObject): void {
  defaultProtocols(obj["ports"]);
}
