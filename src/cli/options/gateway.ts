/**
 * The gateway flags `kdns up` and `kdns gateway` share, each written once. The SkyDNS flags live
 * here because only the gateway publishes to etcd.
 */
import { isIP } from "node:net";
import type { Command } from "commander";
import { type HostPort, reachableAddress } from "../../machinery/host-port.ts";
import { flag, hostPortFlag, intFlag, parseIp, parseUrlList } from "../flags.ts";

/** Gateway engines; `kdns up` also takes `none`. */
export const GATEWAY_ENGINES = ["builtin", "nginx"] as const;

/** One of {@link GATEWAY_ENGINES}, or none. */
export type GatewayKind = (typeof GATEWAY_ENGINES)[number] | "none";

/** The values of {@link addGatewayFlags}, as commander hands them over. */
export interface GatewayFlags {
  gateway: GatewayKind;
  gatewayListen: HostPort;
  /** `--gateway-tls-listen`: the HTTPS listener, or undefined for `none`. */
  gatewayTlsListen: HostPort | undefined;
  /** `--gateway-tls-public-port`: the port redirects to https name (default: the listener's). */
  gatewayTlsPublicPort?: number;
  gatewayAddress?: string;
  /** `--nginx`: the nginx binary of the nginx engine. */
  nginx?: string;
  skydnsEtcdEndpoints?: string[];
  skydnsPrefix: string;
  /** `--gateway-access-log`: a file, or `-` for standard output. */
  gatewayAccessLog?: string;
}

/** `--gateway-address`: shared with `kdns dns`, which has no gateway of its own to default from. */
export function gatewayAddressFlag(defaultAddress?: string) {
  return flag(
    "--gateway-address <ip>",
    `IP that DNSRecord hosts resolve to${defaultAddress === undefined ? " (default: the --gateway-listen host, or loopback for a wildcard)" : ""}`,
    { parse: parseIp, ...(defaultAddress !== undefined ? { default: defaultAddress } : {}) },
  );
}

/** Adds the gateway flags; `withNone` lets `--gateway none` turn it off (`kdns up`). */
export function addGatewayFlags(cmd: Command, withNone: boolean): Command {
  return cmd
    .addOption(
      flag("--gateway <kind>", withNone ? "path gateway for DNSRecord hosts" : "gateway engine", {
        default: "builtin",
        choices: withNone ? [...GATEWAY_ENGINES, "none"] : GATEWAY_ENGINES,
      }),
    )
    .addOption(
      flag("--gateway-listen <host:port>", "gateway listen address", {
        default: "127.0.0.1:8080",
        parse: hostPortFlag,
      }),
    )
    .addOption(
      flag(
        "--gateway-tls-listen <host:port|none>",
        "gateway HTTPS listen address (HTTP/2 and HTTP/1.1, certificates from the Secrets DNSRecords name in spec.tls)",
        { default: "127.0.0.1:8443", parse: (v) => (v === "none" ? undefined : hostPortFlag(v)) },
      ),
    )
    .addOption(
      flag(
        "--gateway-tls-public-port <port>",
        "port plain-HTTP redirects to https name, when clients reach HTTPS on another port than the listener's (default: the --gateway-tls-listen port)",
        { parse: intFlag("a port", 1, 65535) },
      ),
    )
    .addOption(gatewayAddressFlag())
    .addOption(
      flag(
        "--gateway-access-log <file|->",
        "write one JSON line per gateway request (time, client, host, method, path, status, bytes, duration, upstream, route) to this file, appending, or to standard output for - (default: off)",
        {
          parse: (v) => {
            if (v === "") throw new Error("--gateway-access-log needs a file path, or - for standard output");
            return v;
          },
        },
      ),
    )
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

/**
 * The address DNSRecord hosts resolve to: `--gateway-address`, else where the gateway listens
 * (loopback when that is a wildcard or a name).
 */
export function gatewayAddressOf(flags: Pick<GatewayFlags, "gatewayAddress" | "gatewayListen">): string {
  const listen = reachableAddress(flags.gatewayListen.host);
  return flags.gatewayAddress ?? (isIP(listen) !== 0 ? listen : "127.0.0.1");
}
