/**
 * The read-only `kdns explain` endpoints, the same wherever they are served: under the API server
 * in `kdns up` (behind its token), and on the `--health-listen` of `kdns dns` (DNS and the query
 * stream) and `kdns gateway` (routes) run alone.
 *
 * - `GET /kdns/explain/dns?name=&type=&from=`: the running DNS server's answer and why.
 * - `GET /kdns/explain/route?url=`: what the running gateway does with a URL and why.
 * - `GET /kdns/console/queries`: server-sent batches of answered DNS queries.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { podIPs } from "../../api/pod-ips.ts";
import { resourceByPath } from "../../api/resources.ts";
import type { Pod } from "../../api/types.ts";
import { sendError, sendJson } from "../../apiserver/respond.ts";
import type { RestClient } from "../../client/rest-client.ts";
// The error classes from their own modules: `kdns dns` serving these does not load the gateway's engines.
import { BadQuestionError } from "../../dns/explain/index.ts";
import type { RunningDns } from "../../dns/index.ts";
import { BadUrlError } from "../../gateway/explain/index.ts";
import type { RunningGateway } from "../../gateway/index.ts";
import { ApiError, badRequest } from "../../machinery/status.ts";
import { endpointDetails } from "./endpoint-detail.ts";
import { openEventStream } from "./sse.ts";

/** One read-only endpoint. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** What explain reads of a DNS server: a running one, or the workers of `kdns dns --workers`. */
export type ExplainableDns = Pick<RunningDns, "explain" | "queries">;

/** What explain reads of a gateway. */
export type ExplainableGateway = Pick<RunningGateway, "explain">;

/** The parts a process runs; an endpoint of a part it does not run answers 503. */
export interface ExplainParts {
  client: RestClient;
  dns?: ExplainableDns;
  gateway?: ExplainableGateway;
  /**
   * Ask DNS questions as the HTTP client's address (not 127.0.0.1 or the `from` pod's): on a
   * listener without a token, explain then forwards only for whom `--allow-recursion` lets ask
   * DNS; `from` still picks the pod's search list.
   */
  askAsPeer?: boolean;
}

/** The address a request came from, IPv4 unmapped. */
function peerOf(req: IncomingMessage): string | undefined {
  return req.socket.remoteAddress?.replace(/^::ffff:(?=\d+\.)/, "");
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

/** The explain endpoints of `parts`, by path. */
export function explainRoutes(parts: ExplainParts): Record<string, RouteHandler> {
  return {
    "/kdns/explain/dns": async (req, res, url) => {
      if (!parts.dns) throw unavailable("DNS server");
      const q = url.searchParams;
      const name = q.get("name");
      if (!name) throw badRequest("explain dns needs ?name=");
      const from = q.get("from") ?? undefined;
      const pod = from !== undefined ? { namespace: await podNamespace(parts.client, from) } : undefined;
      try {
        const type = q.get("type");
        const client = parts.askAsPeer ? peerOf(req) : from;
        const question = { name, ...(type ? { type } : {}), ...(client !== undefined ? { client } : {}) };
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
    "/kdns/console/queries": async (req, res) => {
      if (!parts.dns) throw unavailable("DNS server");
      const stream = openEventStream(req, res);
      const stop = parts.dns.queries.watch((batch) => stream.send("queries", batch));
      await stream.closed;
      stop();
    },
  };
}

/** One handler for `routes`: GET only, 404 for a path it does not know. */
export function routesHandler(routes: Record<string, RouteHandler>): RouteHandler {
  return async (req, res, url) => {
    if (req.method !== "GET") throw new ApiError(405, "MethodNotAllowed", "these endpoints are read-only: GET only");
    const route = routes[url.pathname.replace(/\/+$/, "")];
    if (!route) throw new ApiError(404, "NotFound", `no such path ${url.pathname}`);
    await route(req, res, url);
  };
}

/**
 * {@link routesHandler} for a component's health listener, which has no API server to turn a
 * thrown error into a `Status`: it answers it here. Such a listener has no token, so DNS questions
 * are asked as the HTTP client's address.
 */
export function componentHandler(parts: ExplainParts): RouteHandler {
  const handle = routesHandler(explainRoutes({ ...parts, askAsPeer: true }));
  return async (req, res, url) => {
    try {
      await handle(req, res, url);
    } catch (err) {
      sendError(res, err);
    }
  };
}
