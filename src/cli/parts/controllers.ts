/** The controllers part (`kdns up`, `kdns controllers`): endpoints and EndpointSlices. */
import type { Registry } from "prom-client";
import type { RestClient } from "../../client/rest-client.ts";
import type { SharedInformers } from "../../client/shared-informers.ts";
import { startControllers } from "../../controllers/index.ts";
import type { PartStack } from "../stack.ts";
import type { Say } from "./types.ts";

/**
 * Starts the controllers against an API server, counting their queues and informers into
 * `registry`; returns their `synced` readiness check. `informers` shares their lists and watches
 * with the process's other components (`kdns up`).
 */
export async function startControllerPart(
  client: RestClient,
  stack: PartStack,
  say: Say,
  registry: Registry,
  informers?: SharedInformers,
): Promise<() => boolean> {
  const controllers = await startControllers({ client, metrics: registry, ...(informers ? { informers } : {}) });
  stack.push({ name: "controllers", close: () => controllers.close() });
  say(`kdns: controllers running against ${client.server}`);
  return () => controllers.synced();
}
