/** The controllers part (`kdns up`, `kdns controllers`): endpoints and EndpointSlices. */
import type { RestClient } from "../../client/rest-client.ts";
import { startControllers } from "../../controllers/index.ts";
import type { PartStack } from "../stack.ts";
import type { Say } from "./types.ts";

/** Starts the controllers against an API server; returns their `synced` readiness check. */
export async function startControllerPart(client: RestClient, stack: PartStack, say: Say): Promise<() => boolean> {
  const controllers = await startControllers({ client });
  stack.push({ name: "controllers", close: () => controllers.close() });
  say(`kdns: controllers running against ${client.server}`);
  return () => controllers.synced();
}
