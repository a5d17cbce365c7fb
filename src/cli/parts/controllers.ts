/** The controllers part (`kdns up`, `kdns controllers`): endpoints and EndpointSlices. */
import type { Registry } from "prom-client";
import type { RestClient } from "../../client/rest-client.ts";
import { startControllers } from "../../controllers/index.ts";
import type { PartStack } from "../stack.ts";
import type { Say } from "./types.ts";

/**
 * Starts the controllers against an API server, counting their queues and informers into
 * `registry`; returns their `synced` readiness check.
 */
export async function startControllerPart(
  client: RestClient,
  stack: PartStack,
  say: Say,
  registry: Registry,
): Promise<() => boolean> {
  const controllers = await startControllers({ client, metrics: registry });
  stack.push({ name: "controllers", close: () => controllers.close() });
  say(`kdns: controllers running against ${client.server}`);
  return () => controllers.synced();
}
