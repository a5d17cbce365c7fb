/**
 * The console and `kdns explain` on the API server (`kdns up`): read-only endpoints under
 * `/kdns/` behind the API's token, and the page under `/ui/`.
 *
 * - The explain endpoints and the query stream (explain-routes.ts).
 * - `GET /kdns/console/events`: server-sent `objects` snapshots (on change) and `stats` (each second).
 */
import type { Registry } from "prom-client";
import type { MountHandler } from "../../apiserver/index.ts";
import type { RestClient } from "../../client/rest-client.ts";
import type { RunningDns } from "../../dns/index.ts";
import type { RunningGateway } from "../../gateway/index.ts";
import { explainRoutes, routesHandler } from "./explain-routes.ts";
import { ConsoleObjects } from "./objects.ts";
import { openEventStream } from "./sse.ts";
import { staticFiles } from "./static.ts";
import { StatsTicker } from "./stats.ts";

/** The running parts the console reads. */
export interface ConsoleParts {
  client: RestClient;
  registry: Registry;
  zone: string;
  dns?: RunningDns;
  gateway?: RunningGateway;
}

/** Where the console mounts itself. */
export interface Mountable {
  mount(prefix: string, handler: MountHandler, options?: { public?: boolean }): void;
}

/** Mounts the console on `api`; returns what stops its informers. */
export function mountConsole(api: Mountable, parts: ConsoleParts): { close(): void } {
  const objects = new ConsoleObjects(parts.client, parts.zone);
  const stats = new StatsTicker(parts.registry);
  const handle = routesHandler({
    ...explainRoutes(parts),
    "/kdns/console/events": async (req, res) => {
      const stream = openEventStream(req, res);
      stream.send("parts", { dns: parts.dns !== undefined, gateway: parts.gateway !== undefined, zone: parts.zone });
      const stopObjects = objects.watch((snapshot) => stream.send("objects", snapshot));
      const stopStats = stats.watch((s) => stream.send("stats", s));
      await stream.closed;
      stopObjects();
      stopStats();
    },
  });
  api.mount("/kdns/", handle);
  api.mount("/ui/", staticFiles(), { public: true });
  return { close: () => objects.close() };
}
