/**
 * The nginx engine: render → unchanged? → `nginx -t` on the candidate → install → SIGHUP. A
 * rejected candidate is never installed; the last good configuration keeps serving.
 */
import { join } from "node:path";
import { logger } from "../../machinery/log.ts";
import { type ClientLimits, clientLimits } from "../client-limits.ts";
import type { ApplyResult, GatewayEngine } from "../engine.ts";
import type { RouteTable } from "../routes/model.ts";
import { findNginx, hasKeepaliveMinTimeout, nginxVersion } from "./binary.ts";
import { renderNginxConfig } from "./render.ts";
import { NginxSupervisor } from "./supervisor.ts";

/** Options of {@link startNginxEngine}. */
export interface NginxEngineOptions {
  /** `host:port` to listen on. */
  listen: string;
  /** kdns's data directory; nginx runs in `<dataDir>/nginx`. */
  dataDir: string;
  /** nginx binary (default: found in /usr/sbin, /usr/local/sbin or PATH). */
  binary?: string;
  /** Renderer (default {@link renderNginxConfig}); injectable so a test can produce a config nginx rejects. */
  render?: (table: RouteTable, listen: string) => string;
  /** Client connection limits (default: nginx's own, which the built-in engine applies too). */
  limits?: Partial<ClientLimits>;
  /** `worker_processes` (default `auto`). */
  workers?: number | "auto";
}

/** The running nginx engine, with counters tests read. */
export interface NginxEngine extends GatewayEngine {
  readonly kind: "nginx";
  /** The runtime directory. */
  readonly dir: string;
  readonly supervisor: NginxSupervisor;
  /** Reloads sent since start. */
  readonly reloads: number;
}

/** Starts nginx on an empty table (every request 404) and returns the engine. */
export async function startNginxEngine(options: NginxEngineOptions): Promise<NginxEngine> {
  const log = logger("gateway-nginx");
  const dir = join(options.dataDir, "nginx");
  const binary = await findNginx(options.binary);
  const supervisor = new NginxSupervisor({ binary, dir, log });
  const keepaliveMinTimeout = hasKeepaliveMinTimeout(await nginxVersion(binary));
  const limits = clientLimits(options.limits);
  await supervisor.prepare();
  const render = (table: RouteTable): string =>
    options.render
      ? options.render(table, options.listen)
      : renderNginxConfig(table, {
          listen: options.listen,
          keepaliveMinTimeout,
          limits,
          ...(options.workers !== undefined ? { workers: options.workers } : {}),
        });
  let current = render({ hosts: [], records: [] });
  const first = await supervisor.test(current);
  if (first.type === "failed") throw new Error(`nginx rejected kdns's empty configuration: ${first.error}`);
  await supervisor.install();
  await supervisor.start();
  let reloads = 0;
  let rejected: { text: string; error: string } | undefined;

  return {
    kind: "nginx",
    listen: options.listen,
    dir,
    supervisor,
    get reloads() {
      return reloads;
    },
    async apply(table: RouteTable): Promise<ApplyResult> {
      let text: string;
      try {
        text = render(table);
      } catch (err) {
        return { type: "rejected", error: String((err as Error).message) };
      }
      if (text === current) return { type: "unchanged" };
      if (rejected?.text === text) return { type: "rejected", error: rejected.error };
      const tested = await supervisor.test(text);
      if (tested.type === "failed") {
        log.error({ error: tested.error }, "nginx -t rejected the new configuration; the last good one keeps serving");
        rejected = { text, error: `nginx -t: ${tested.error}` };
        return { type: "rejected", error: rejected.error };
      }
      await supervisor.install();
      current = text;
      await supervisor.reload();
      reloads++;
      return { type: "applied" };
    },
    close: () => supervisor.close(),
  };
}
