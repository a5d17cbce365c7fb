/**
 * The nginx side of the gateway's request metrics and access log (pure; part of the rendering):
 * nginx-light has no Lua and no status module, so nginx's own access log carries each request to
 * kdns — one JSON object (`escape=json`, so no value can break out of its string) per request, sent
 * as syslog over loopback UDP to the receiver kdns listens on (syslog-receiver.ts). Each route's
 * locations set `$kdns_path` (the route's prefix, the metrics' `path` label) and `$kdns_route`
 * (its record), so kdns learns which route served a request without matching its URI again.
 */
import { isIP } from "node:net";
import { formatHostPort } from "../../machinery/host-port.ts";
import { quote, UnsafeValueError } from "./quote.ts";

/** Where nginx sends its access log, and the tag that marks its lines. */
export interface SyslogTarget {
  /** An IP literal (the receiver listens on loopback). */
  host: string;
  port: number;
  /** nginx's syslog `tag`: letters, digits and `_`, at most 32. */
  tag: string;
}

/** The fields of one line, as nginx variables; the receiver reads the same names. */
const FIELDS: readonly [string, string][] = [
  ["time", "$msec"],
  ["client", "$remote_addr"],
  ["host", "$host"],
  ["server", "$server_name"],
  ["method", "$request_method"],
  ["uri", "$request_uri"],
  ["status", "$status"],
  ["bytes", "$bytes_sent"],
  ["duration", "$request_time"],
  ["upstream", "$upstream_addr"],
  ["path", "$kdns_path"],
  ["route", "$kdns_route"],
];

/** The `syslog:` parameter of `access_log`, checked so no value adds a parameter or a directive. */
function syslogParameter(target: SyslogTarget): string {
  const { host, port, tag } = target;
  if (isIP(host) === 0) throw new UnsafeValueError("syslog host", host);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UnsafeValueError("syslog port", String(port));
  if (!/^[A-Za-z0-9_]{1,32}$/.test(tag)) throw new UnsafeValueError("syslog tag", tag);
  return quote("syslog address", `syslog:server=${formatHostPort({ host, port })},tag=${tag},nohostname`);
}

/** The `http` lines: the format and the log (instead of `access_log off`). */
export function accessLogLines(target: SyslogTarget): string[] {
  const json = `{${FIELDS.map(([name, variable]) => `"${name}":"${variable}"`).join(",")}}`;
  return [
    "    # Each request as JSON to kdns (metrics and --gateway-access-log): nginx-light has no Lua.",
    `    log_format kdns escape=json '${json}';`,
    `    access_log ${syslogParameter(target)} kdns;`,
  ];
}

/** The first lines of a route's location: which route it is. */
export function routeMarker(prefix: string, record: string): string[] {
  return [
    `            set $kdns_path ${quote("path", prefix)};`,
    `            set $kdns_route ${quote("record", record)};`,
  ];
}

/**
 * The default server's line that declares the variables (nginx refuses a configuration that reads
 * a variable no directive defines, and a table may have no routes); its requests leave them empty.
 */
export const DECLARE_ROUTE_VARIABLES = ['        set $kdns_path "";', '        set $kdns_route "";'];
