/** `GET /metrics`: a registry in the Prometheus text format, for every server that exposes one. */
import type { ServerResponse } from "node:http";
import type { Registry } from "prom-client";

/** What `/metrics` is read from: a registry, or anything that renders one (a sum over processes). */
export type MetricsSource = Pick<Registry, "metrics" | "contentType">;

/** Answers with every metric of `registry` (a failing collector is a 500 naming it). */
export async function serveMetrics(registry: MetricsSource, res: ServerResponse): Promise<void> {
  let text: string;
  try {
    text = await registry.metrics();
  } catch (err) {
    const body = `collecting metrics failed: ${err instanceof Error ? err.message : String(err)}\n`;
    res.writeHead(500, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(200, { "content-type": registry.contentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}
