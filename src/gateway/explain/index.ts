/**
 * `kdns explain route URL` on a running gateway: the served table's decision (route.ts), then,
 * for a proxied URL, a connection attempt to the backend the next request takes, so a backend
 * that refuses connections is reported as the 502 the client would get.
 */
import { connect } from "node:net";
import { compileLookups } from "../builtin/lookup.ts";
import type { GatewayEngine } from "../engine.ts";
import type { RouteTable } from "../routes/model.ts";
import { explainRouteIn, type RouteExplanation } from "./route.ts";

export type { RouteExplanation } from "./route.ts";

/** A URL explain cannot read: the API answers it 400. */
export class BadUrlError extends Error {}

/** Whether a TCP connection to `ip:port` opens within `ms`; the error code when not. */
function tryConnect(ip: string, port: number, ms: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port });
    const done = (result: string | undefined): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(ms, () => done("ETIMEDOUT"));
    socket.once("connect", () => done(undefined));
    socket.once("error", (err: NodeJS.ErrnoException) => done(err.code ?? String(err)));
  });
}

/** Explains `raw` (an absolute http or https URL) against what `engine` serves. */
export async function explainRoute(
  engine: GatewayEngine,
  table: RouteTable | undefined,
  raw: string,
): Promise<RouteExplanation> {
  let url: URL;
  try {
    url = new URL(raw.includes("://") ? raw : `http://${raw}`);
  } catch {
    throw new BadUrlError(`"${raw}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new BadUrlError(`"${raw}" is not an http or https URL`);
  const secure = url.protocol === "https:";
  if (secure && engine.tlsListen === undefined) {
    return {
      url: url.href,
      host: url.hostname,
      path: url.pathname,
      outcome: "no-host",
      reasons: ["the gateway has no HTTPS listener (--gateway-tls-listen none)"],
      engine: engine.kind,
    };
  }
  const served: RouteTable = table ?? { hosts: [], outcomes: [] };
  const tls = engine.tlsListen;
  const lookups = compileLookups(served, tls === undefined ? undefined : Number(tls.slice(tls.lastIndexOf(":") + 1)));
  const lookup = engine.lookup?.(secure) ?? (secure ? lookups.secure : lookups.plain);
  const explained = explainRouteIn(served, lookup, url, engine.kind);
  if (!table) explained.reasons.unshift("the gateway has not served a route table yet");
  if (explained.outcome !== "proxied" || explained.next === undefined) return explained;
  const colon = explained.next.lastIndexOf(":");
  const ip = explained.next.slice(0, colon).replace(/^\[|\]$/g, "");
  const failed = await tryConnect(ip, Number(explained.next.slice(colon + 1)), 1000);
  if (failed === undefined) return explained;
  return {
    ...explained,
    outcome: "bad-gateway",
    status: 502,
    reasons: [
      ...explained.reasons,
      `backend ${explained.next} does not accept connections (${failed}): the gateway answers 502`,
    ],
  };
}
