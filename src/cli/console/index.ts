/**
 * The console and `kdns explain` on the API server (`kdns up`): read-only endpoints under
 * `/kdns/` behind the API's token, and the page under `/ui/`.
 *
 * - `GET /kdns/explain/dns?name=&type=&from=`: the running DNS server's answer and why.
 * - `GET /kdns/explain/route?url=`: what the running gateway does with a URL and why.
 * - `GET /kdns/console/events`: server-sent `objects` snapshots (on change) and `stats` (each second).
 * - `GET /kdns/console/queries`: server-sent batches of answered DNS queries.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { podIPs } from "../../api/pod-ips.ts";
import { resourceByPath } from "../../api/resources.ts";
import type { Pod } from "../../api/types.ts";
import type { MountHandler } from "../../apiserver/index.ts";
import { sendJson } from "../../apiserver/respond.ts";
import type { RestClient } from "../../client/rest-client.ts";
import { BadQuestionError, type RunningDns } from "../../dns/index.ts";
import { BadUrlError, type RunningGateway } from "../../gateway/index.ts";
import { ApiError, badRequest } from "../../machinery/status.ts";
import { endpointDetails } from "./endpoint-detail.ts";
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

function unavailable(part: string): ApiError {
  return new ApiError(503, "ServiceUnavailable", `this process runs no ${part}`);
}

/** The namespace of the pod with IP `ip`, read through the API. */
async function podNamespace(client: RestClient, ip: string): Promise<string> {
  const pods = resourceByPath("", "pods");
  if (!pods) throw new Error("pods missing from the resource table");
  const list = await client.list<Pod>(pods, undefined);
  const pod = list.items.find((p) => podIPs(p).includes(ip));
  if (!pod) throw new ApiError(404, "NotFound", `no pod has IP ${ip}: --from takes a pod's IP`);
  return pod.metadata.namespace ?? "default";
}

/** Mounts the console on `api`; returns what stops its informers. */
export function mountConsole(api: Mountable, parts: ConsoleParts): { close(): void } {
  const objects = new ConsoleObjects(parts.client, parts.zone);
  const stats = new StatsTicker(parts.registry);
  const get = (req: IncomingMessage): void => {
    if (req.method !== "GET") throw new ApiError(405, "MethodNotAllowed", "these endpoints are read-only: GET only");
  };
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>> = {
    "/kdns/explain/dns": async (_req, res, url) => {
      if (!parts.dns) throw unavailable("DNS server");
      const q = url.searchParams;
      const name = q.get("name");
      if (!name) throw badRequest("explain dns needs ?name=");
      const from = q.get("from") ?? undefined;
      const pod = from !== undefined ? { namespace: await podNamespace(parts.client, from) } : undefined;
      try {
        const type = q.get("type");
        const question = { name, ...(type ? { type } : {}), ...(from !== undefined ? { client: from } : {}) };
        const explained = await parts.dns.explain(question, pod);
        const endpoints = await endpointDetails(parts.client, explained);
        sendJson(res, 200, endpoints.length ? { ...explained, endpoints } : explained);
      } catch (err) {
        if (err instanceof BadQuestionError) throw badRequest(err.message);
        throw err;
      }
    },
    "/kdns/explain/route": async (_req, res, url) => {
      if (!parts.gateway) throw unavailable("gateway");
      const target = url.searchParams.get("url");
      if (!target) throw badRequest("explain route needs ?url=");
      try {
        sendJson(res, 200, await parts.gateway.explain(target));
      } catch (err) {
        if (err instanceof BadUrlError) throw badRequest(err.message);
        throw err;
      }
    },
    "/kdns/console/events": async (req, res) => {
      const stream = openEventStream(req, res);
      stream.send("parts", { dns: parts.dns !== undefined, gateway: parts.gateway !== undefined, zone: parts.zone });
      const stopObjects = objects.watch((snapshot) => stream.send("objects", snapshot));
      const stopStats = stats.watch((s) => stream.send("stats", s));
      await stream.closed;
      stopObjects();
      stopStats();
    },
    "/kdns/console/queries": async (req, res) => {
      if (!parts.dns) throw unavailable("DNS server");
      const stream = openEventStream(req, res);
      const stop = parts.dns.queries.watch((batch) => stream.send("queries", batch));
      await stream.closed;
      stop();
    },
  };
  api.mount("/kdns/", async (req, res, url) => {
    get(req);
    const route = routes[url.pathname.replace(/\/+$/, "")];
    if (!route) throw new ApiError(404, "NotFound", `no such path ${url.pathname}`);
    await route(req, res, url);
  });
  api.mount("/ui/", staticFiles(), { public: true });
  return { close: () => objects.close() };
}
