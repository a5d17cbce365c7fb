/**
 * Starting the gateway part: `kdns up --gateway builtin|nginx|none` in-process, or `kdns gateway
 * --server URL` alone. The SkyDNS flags live here because only the gateway publishes to etcd.
 */
import type { Command } from "commander";
import type { RestClient } from "../../client/rest-client.ts";
import type { startGateway } from "../../gateway/index.ts";
import type { Say, StartedApi } from "../components.ts";
import { CliError } from "../errors.ts";
import { flag, formatHostPort, type HostPort, parseUrlList } from "../flags.ts";
import type { PartStack } from "../stack.ts";
import type { UpConfig } from "../up-flags.ts";

/** What the gateway part needs. */
export interface GatewayPartConfig {
  gateway: "builtin" | "nginx" | "none";
  gatewayListen: HostPort;
  gatewayAddress?: string;
  dataDir: string;
  /** `--nginx`: the nginx binary of the nginx engine. */
  nginxBinary?: string;
  skydnsEtcdEndpoints?: string[];
  skydnsPrefix?: string;
}

/** Adds `--nginx`, `--skydns-etcd-endpoints` and `--skydns-prefix`, shared by `kdns up` and `kdns gateway`. */
export function addGatewayEngineFlags(cmd: Command): Command {
  return cmd
    .addOption(
      flag(
        "--nginx <path>",
        "nginx binary of --gateway nginx, e.g. a newer build than the system's (default: /usr/sbin/nginx, /usr/local/sbin/nginx or PATH)",
      ),
    )
    .addOption(
      flag(
        "--skydns-etcd-endpoints <urls>",
        "also publish DNSRecord hosts into this etcd in SkyDNS format, comma-separated (default: off)",
        { parse: parseUrlList },
      ),
    )
    .addOption(
      flag("--skydns-prefix <prefix>", "key prefix for SkyDNS records (CoreDNS etcd plugin `path`)", {
        default: "/skydns",
      }),
    );
}

/** The settings of {@link addGatewayEngineFlags} from raw flag strings. */
export function gatewayEngineConfig(
  raw: Record<string, string | undefined>,
): Pick<GatewayPartConfig, "nginxBinary" | "skydnsEtcdEndpoints" | "skydnsPrefix"> {
  return {
    ...(raw.nginx ? { nginxBinary: raw.nginx } : {}),
    ...(raw.skydnsEtcdEndpoints ? { skydnsEtcdEndpoints: parseUrlList(raw.skydnsEtcdEndpoints) } : {}),
    skydnsPrefix: raw.skydnsPrefix ?? "/skydns",
  };
}

function startError(config: GatewayPartConfig, err: unknown): CliError {
  const code = (err as NodeJS.ErrnoException).code;
  const where = formatHostPort(config.gatewayListen);
  if (code === "EADDRINUSE") return new CliError(`gateway: cannot listen on ${where}: address already in use`);
  if (code === "EADDRNOTAVAIL") return new CliError(`gateway: cannot listen on ${where}: address not available`);
  if (code === "EACCES") return new CliError(`gateway: cannot listen on ${where}: permission denied`);
  return new CliError(`gateway: ${err instanceof Error ? err.message : String(err)}`);
}

/** Starts the gateway (unless `none`); returns its `synced` check. */
export async function startGatewayPart(
  config: GatewayPartConfig,
  client: RestClient,
  stack: PartStack,
  say: Say,
): Promise<(() => boolean) | undefined> {
  if (config.gateway === "none") return undefined;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    // Loaded here, not at the top: the flag helpers above are imported by commands that never run a gateway.
    const { startGateway } = await import("../../gateway/index.ts");
    gateway = await startGateway({
      client,
      engine: config.gateway,
      host: config.gatewayListen.host,
      port: config.gatewayListen.port,
      dataDir: config.dataDir,
      ...(config.nginxBinary !== undefined ? { nginxBinary: config.nginxBinary } : {}),
      ...(config.gatewayAddress !== undefined ? { gatewayAddress: config.gatewayAddress } : {}),
      ...(config.skydnsEtcdEndpoints
        ? { skydns: { endpoints: config.skydnsEtcdEndpoints, prefix: config.skydnsPrefix ?? "/skydns" } }
        : {}),
    });
  } catch (err) {
    throw startError(config, err);
  }
  stack.push({ name: "gateway", close: () => gateway.close() });
  const skydns = config.skydnsEtcdEndpoints
    ? `; publishing SkyDNS records under ${config.skydnsPrefix ?? "/skydns"}`
    : "";
  say(
    `kdns: gateway (${config.gateway}) listening on ${gateway.engine.listen}, hosts resolve to ${gateway.gatewayAddress}${skydns}`,
  );
  return () => gateway.synced();
}

/** `kdns up`'s gateway: in-process, with its readiness in the API's /readyz. */
export async function startUpGateway(
  config: UpConfig & Partial<GatewayPartConfig>,
  client: RestClient,
  api: StartedApi,
  stack: PartStack,
  say: Say,
): Promise<void> {
  const synced = await startGatewayPart(config, client, stack, say);
  if (synced) api.addReadyCheck("gateway", synced);
}
