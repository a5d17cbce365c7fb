/**
 * The nginx side of the gateway's request metrics and access log (pure; part of the rendering):
 * nginx-light has no Lua and no status module, so nginx's own access log carries each request to
 * kdns — one line of tab-separated fields per request, written with nginx's buffered logging
 * (`buffer=64k flush=1s`: a `write` per 64 KiB or per second, not per request) into a file in its
 * runtime directory that kdns reads as it grows (log-tail.ts, request-log.ts). Each route's
 * locations set `$kdns_path` (the route's prefix, the metrics' `path` label) and, when the access
 * log is on, `$kdns_route` (its record), so kdns learns which route served a request without
 * matching its URI again.
 *
 * The format uses nginx's `escape=default`: `"`, `\`, control characters (tab and newline
 * included) and bytes above 0x7e in a value are written as `\xHH`, so no value — a hostile URI,
 * Host or method — can add a field or a line, and every line is ASCII.
 */
import { quote } from "./quote.ts";

/** The file nginx writes, relative to its runtime directory (`-p`). */
export const REQUEST_LOG_FILE = "logs/kdns-requests.log";

/**
 * What the metrics read: first the host that served the request, `$server_name` (empty for the
 * default server: a host not served), or `$kdns_server` when server blocks are shared
 * ({@link serverLabelMaps}).
 */
export const METRIC_FIELDS = [
  "$server_name",
  "$kdns_path",
  "$request_method",
  "$status",
  "$request_time",
  "$bytes_sent",
] as const;

/** What the access log adds, only when it is asked for (`--gateway-access-log`). */
export const ACCESS_FIELDS = [
  "$msec",
  "$remote_addr",
  "$host",
  "$request_uri",
  "$upstream_addr",
  "$kdns_route",
] as const;

/** What nginx logs for kdns. */
export interface RequestLogOptions {
  /** With the access log's fields and `$kdns_route` (else the metrics' fields only). */
  accessLog: boolean;
}

/**
 * The `http` lines: the format and the buffered log (instead of `access_log off`); the maps of
 * `$kdns_server` when some hosts share a server block (their names, each block's list).
 */
export function requestLogLines(options: RequestLogOptions, shared: readonly (readonly string[])[]): string[] {
  const metrics: string[] = [...METRIC_FIELDS];
  if (shared.length > 0) metrics[0] = "$kdns_server";
  const fields = [...metrics, ...(options.accessLog ? ACCESS_FIELDS : [])];
  return [
    "    # Each request for kdns (metrics, --gateway-access-log), buffered: nginx-light has no Lua.",
    `    log_format kdns escape=default '${fields.join("\\t")}';`,
    `    access_log ${REQUEST_LOG_FILE} kdns buffer=64k flush=1s;`,
    ...serverLabelMaps(shared),
  ];
}

/**
 * `$kdns_server`, the host name that served a request (the metrics' `host`) when some hosts share
 * a server block (shared-servers.ts): `$server_name`, the first name of its server block, except
 * in a shared block, where it is whichever of the shared names `$host` matches (as server_name
 * matched it: the block's name nginx chose is the best match among every name, so among the
 * shared ones too). Without shared blocks the format reads `$server_name`, no map per request.
 */
function serverLabelMaps(shared: readonly (readonly string[])[]): string[] {
  if (shared.length === 0) return [];
  return [
    "    map $server_name $kdns_server {",
    "        default $server_name;",
    ...shared.map((names) => `        ${quote("host", names[0]!)} $kdns_shared_host;`),
    "    }",
    "    map $host $kdns_shared_host {",
    "        hostnames;",
    '        default "";',
    ...shared.flatMap((names) => names.map((n) => `        ${quote("host", n)} ${quote("host", n)};`)),
    "    }",
  ];
}

/**
 * The first lines of a route's location: which route it is (its record only for the access log,
 * through `param`, since hosts sharing a server block differ in it).
 */
export function routeMarker(
  prefix: string,
  param: (token: string) => string,
  record: string,
  options: RequestLogOptions,
): string[] {
  return [
    `            set $kdns_path ${quote("path", prefix)};`,
    ...(options.accessLog ? [`            set $kdns_route ${param(quote("record", record))};`] : []),
  ];
}

/**
 * The default server's lines that declare the variables (nginx refuses a configuration that reads
 * a variable no directive defines, and a table may have no routes); its requests leave them empty.
 */
export function declareRouteVariables(options: RequestLogOptions): string[] {
  return ['        set $kdns_path "";', ...(options.accessLog ? ['        set $kdns_route "";'] : [])];
}
