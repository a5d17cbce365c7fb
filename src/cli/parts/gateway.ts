/** The gateway part: `kdns up --gateway builtin|nginx|none` in-process, or `kdns gateway` alone. */
import type { Registry } from "prom-client";
import type { RestClient } from "../../client/rest-client.ts";
import type { SharedInformers } from "../../client/shared-informers.ts";
import type { AccessLog, RunningGateway } from "../../gateway/index.ts";
import { errnoText, formatHostPort } from "../../machinery/host-port.ts";
import { CliError } from "../errors.ts";
import { type GatewayFlags, gatewayAddressOf } from "../options/gateway.ts";
import type { PartStack } from "../stack.ts";
import type { Say } from "./types.ts";

/**
 * Starts the gateway (unless `none`), counting into `metrics` when given; `informers` shares its
 * lists and watches with the process's other components (`kdns up`); `informerMetrics` shows its
 * informers when `metrics` is not given.
 */
export async function startGatewayPart(
  flags: GatewayFlags & { dataDir: string },
  client: RestClient,
  stack: PartStack,
  say: Say,
  metrics?: Registry,
  informers?: SharedInformers,
  informerMetrics?: Registry,
): Promise<RunningGateway | undefined> {
  if (flags.gateway === "none") return undefined;
  // Loaded here, not at the top: commands that never run a gateway do not load its engines.
  const { openAccessLog, startGateway } = await import("../../gateway/index.ts");
  let accessLog: AccessLog | undefined;
  if (flags.gatewayAccessLog !== undefined) {
    try {
      accessLog = await openAccessLog(flags.gatewayAccessLog);
    } catch (err) {
      throw new CliError(`gateway: ${(err as Error).message}`);
    }
    const log = accessLog;
    // logrotate's convention: after renaming the file it sends SIGHUP, and the file is opened anew.
    const onHangup = (): void => void log.reopen();
    process.on("SIGHUP", onHangup);
    stack.push({
      name: "gateway access log",
      close: async () => {
        process.off("SIGHUP", onHangup);
        await log.close();
      },
    });
  }
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({
      client,
      ...(informers ? { informers } : {}),
      engine: flags.gateway,
      host: flags.gatewayListen.host,
      port: flags.gatewayListen.port,
      dataDir: flags.dataDir,
      gatewayAddress: gatewayAddressOf(flags),
      ...(flags.gatewayTlsListen
        ? {
            tls: {
              ...flags.gatewayTlsListen,
              ...(flags.gatewayTlsPublicPort !== undefined ? { publicPort: flags.gatewayTlsPublicPort } : {}),
            },
          }
        : {}),
      ...(flags.nginx !== undefined ? { nginxBinary: flags.nginx } : {}),
      ...(flags.skydnsEtcdEndpoints
        ? { skydns: { endpoints: flags.skydnsEtcdEndpoints, prefix: flags.skydnsPrefix } }
        : {}),
      ...(metrics ? { metrics } : {}),
      ...(informerMetrics ? { informerMetrics } : {}),
      ...(accessLog ? { accessLog } : {}),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const listenFailed = code === "EADDRINUSE" || code === "EADDRNOTAVAIL" || code === "EACCES";
    // A listen error names the address it was for (node:net puts it on the error).
    const { address, port } = err as { address?: string; port?: number };
    const where =
      address !== undefined && port !== undefined
        ? formatHostPort({ host: address, port })
        : formatHostPort(flags.gatewayListen);
    throw new CliError(
      listenFailed ? `gateway: cannot listen on ${where}: ${errnoText(err)}` : `gateway: ${errnoText(err)}`,
    );
  }
  stack.push({ name: "gateway", close: () => gateway.close() });
  const skydns = flags.skydnsEtcdEndpoints ? `; publishing SkyDNS records under ${flags.skydnsPrefix}` : "";
  const https = gateway.engine.tlsListen !== undefined ? ` and ${gateway.engine.tlsListen} (HTTPS)` : "";
  say(
    `kdns: gateway (${flags.gateway}) listening on ${gateway.engine.listen}${https}, hosts resolve to ${gateway.gatewayAddress}${skydns}`,
  );
  return gateway;
}
