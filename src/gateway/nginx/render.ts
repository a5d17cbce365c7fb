/**
 * RouteTable → a complete nginx.conf (pure; pinned by a golden file). Paths inside the config are
 * relative, resolved by nginx against the runtime directory given with `-p`, so the same table
 * renders the same bytes wherever kdns keeps its data, and an unchanged rendering means no reload.
 *
 * Each host's locations are derived from its routes by host-locations.ts, each route's action
 * (upstream, filters, rewrite or redirect) by route-action.ts; hosts rendered alike share one
 * server block (shared-servers.ts). Each route is
 * served by an `upstream` listing its ready endpoints (routes to the same endpoints with the same
 * weights share one), so round-robin, weights, keep-alive and "next upstream on error" are
 * nginx's own (README). A `*.suffix` host is a wildcard server_name; the
 * catch-all host `*` is served by the default server.
 */
import { type ClientLimits, DEFAULT_CLIENT_LIMITS } from "../client-limits.ts";
import type { HostRoutes, RouteTable } from "../routes/model.ts";
import { TEXT } from "../texts.ts";
import { certificatePaths } from "./certificate-files.ts";
import { hostLocations } from "./host-locations.ts";
import { quote, quoteBody } from "./quote.ts";
import { declareRouteVariables, type RequestLogOptions, requestLogLines } from "./request-log-render.ts";
import { BASE_PROXY_HEADERS, type RenderSink } from "./route-action.ts";
import { ownServer, type RenderedHost, shareServers } from "./shared-servers.ts";

/** Where nginx listens and how it behaves. */
export interface RenderOptions {
  /** `host:port` (IPv6 in brackets). */
  listen: string;
  /** `worker_processes` (default `auto`). */
  workers?: number | "auto";
  /**
   * nginx understands `keepalive_min_timeout` (1.27.4+): a reload's retiring workers then answer
   * a request that races their shutdown (with `Connection: close`) instead of closing the
   * keep-alive connection under it, which a client that does not retry sees as a failure.
   */
  keepaliveMinTimeout?: boolean;
  /** Client connection limits (default {@link DEFAULT_CLIENT_LIMITS}); the built-in engine applies the same. */
  limits?: ClientLimits;
  /** The TLS listener; without it every host is served over plain HTTP only. */
  tls?: TlsOptions;
  /** Log each request for kdns (metrics, access log); without it nginx logs no requests. */
  requestLog?: RequestLogOptions;
}

/** The TLS listener of {@link RenderOptions}. */
export interface TlsOptions {
  /** `host:port` (IPv6 in brackets). */
  listen: string;
  /** The port redirects to https name (none in the URL when 443). */
  publicPort: number;
  /** Id of kdns's default certificate, presented for names without one (see certificate-files.ts). */
  defaultCertificate: string;
  /** nginx 1.25.1+: `http2 on;` instead of the `http2` listen parameter. */
  http2Directive?: boolean;
}

/**
 * TLS settings for every TLS server: TLS 1.2 and 1.3, the protocols Node's TLS offers too (nginx
 * before 1.23.4 offers TLS 1.0, 1.1 and 1.2 by default, no 1.3), and nginx's default ciphers.
 */
const TLS_LINES = ["    ssl_protocols TLSv1.2 TLSv1.3;"];

/** A duration in nginx's syntax: whole seconds as `Ns`, else `Nms`. */
function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A size in nginx's syntax: whole KiB as `Nk`, else bytes. */
function size(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024}k` : String(bytes);
}

/** The client limit directives, one per line. */
function limitLines(limits: ClientLimits): string[] {
  return [
    `    client_header_timeout ${duration(limits.headerTimeoutMs)};`,
    `    client_body_timeout ${duration(limits.bodyTimeoutMs)};`,
    `    keepalive_timeout ${duration(limits.keepAliveTimeoutMs)};`,
    `    keepalive_requests ${limits.keepAliveRequests};`,
    `    large_client_header_buffers ${limits.headerBuffers} ${size(limits.headerBufferBytes)};`,
  ];
}

/**
 * An absolute-form request-target's authority replaces Host (RFC 9112 §3.2.2): nginx routes by it,
 * so the backend must be sent it as Host too, not the client's Host field. A scheme other than the
 * listener's (http on the plain one, https on the TLS one) is 400. nginx accepts any scheme there
 * and has no variable saying a target was absolute, so the request line is read — but only when it
 * is not origin-form: a map with regexes evaluated for every request made nginx execute 25% more
 * instructions per proxied request than a hand-written proxy with the usual headers, against 16%
 * without it (callgrind; `npm run bench:gateway` reports the count). An origin-form request line is
 * exactly `$request_method $request_uri $server_protocol`, compared without a regex; any other
 * (absolute-form, or HTTP/0.9) sets `$kdns_absolute` to what the map below finds: the authority,
 * or `/`, which no valid Host is, for a foreign scheme.
 */
const TARGET_HOST_MAP = [
  "    uninitialized_variable_warn off;",
  "    map $kdns_absolute $kdns_host {",
  '        "" $http_host;',
  "        default $kdns_absolute;",
  "    }",
  '    map "$scheme $request" $kdns_target_host {',
  '        "~*^http [^ ]+ http://(?<kdns_authority>[^/?# ]+)" $kdns_authority;',
  '        "~*^https [^ ]+ https://(?<kdns_authority>[^/?# ]+)" $kdns_authority;',
  '        "~^[^ ]+ [^ ]+ [^/]" "/";',
  "        default $http_host;",
  "    }",
];

/** `:port` of the listener a request came in on, nothing for its scheme's default (redirects name it). */
const LISTENER_PORT_MAP = [
  '    map "$scheme:$server_port" $kdns_listener_port {',
  '        "http:80" "";',
  '        "https:443" "";',
  '        default ":$server_port";',
  "    }",
];

/** Whether a rendered location names `$kdns_listener_port` (a redirect that keeps the listener's port). */
function usesListenerPort(servers: readonly string[], catchAll: readonly string[] | undefined): boolean {
  const names = (line: string): boolean => line.includes("$kdns_listener_port");
  return servers.some(names) || (catchAll?.some(names) ?? false);
}

/** The first lines of every server block: read a target that is not origin-form (see {@link TARGET_HOST_MAP}). */
const FOREIGN_SCHEME = [
  '        if ($request != "$request_method $request_uri $server_protocol") { set $kdns_absolute $kdns_target_host; }',
  '        if ($kdns_absolute = "/") { return 400; }',
];

/** The TLS listener as rendered. */
interface TlsListen {
  /** The `listen` line's parameters. */
  listen: string;
  /** `:port` for redirects, "" for 443. */
  port: string;
  /** The `http2 on;` line of nginx 1.25.1+, or nothing. */
  http2: string[];
}

/** `ssl_certificate` and `ssl_certificate_key` of certificate `id` (file names only, never key material). */
function certificateLines(id: string): string[] {
  const paths = certificatePaths(id);
  return [
    `        ssl_certificate ${quote("certificate file", paths.crt)};`,
    `        ssl_certificate_key ${quote("key file", paths.key)};`,
  ];
}

/**
 * The server blocks of one host: plain HTTP; with a certificate also a TLS block with the same
 * routes, and when plain HTTP is redirected the plain block only redirects (a server-level
 * `return`, so no `if`). Separate blocks, so `http2 on` (nginx 1.25.1+) never reaches the plain
 * listener, where it would take HTTP/2 without TLS.
 */
function serverBlocks(
  listen: string,
  tls: TlsListen | undefined,
  host: HostRoutes,
  names: readonly string[],
  lines: string[],
): string[] {
  const name = `        server_name ${names.map((n) => quote("host", n)).join("\n            ")};`;
  const plain = ["    server {", `        listen ${listen};`, name, ...FOREIGN_SCHEME];
  const certificate = tls !== undefined ? host.tls?.certificate.id : undefined;
  if (tls === undefined || certificate === undefined) return [...plain, ...lines, "    }"];
  const secure = [
    "    server {",
    `        listen ${tls.listen};`,
    ...tls.http2,
    name,
    ...certificateLines(certificate),
    ...FOREIGN_SCHEME,
    ...lines,
    "    }",
  ];
  // RFC 9110 §15.4.9: 308 keeps the method and body. $host is the name server_name matched.
  const redirect = [`        return 308 https://$host${tls.port}$request_uri;`, "    }"];
  return [...plain, ...(host.tls?.redirect ? redirect : [...lines, "    }"]), ...secure];
}

/**
 * The default server of a listener: every name no host block takes is 404 (with kdns's certificate
 * on TLS), or served by the catch-all host's locations when there is one.
 */
function defaultServer(
  listen: string,
  catchAll: string[] | undefined,
  requestLog: RequestLogOptions | undefined,
  tls?: { certificate: string; http2: string[] },
): string[] {
  return [
    "    server {",
    `        listen ${listen} default_server;`,
    ...(tls ? [...tls.http2, ...certificateLines(tls.certificate)] : []),
    ...(requestLog ? declareRouteVariables(requestLog) : []),
    ...FOREIGN_SCHEME,
    ...(catchAll ?? [`        return 404 ${quoteBody(TEXT.noHost)};`]),
    "    }",
  ];
}

/**
 * Hash sizes for `names` server names (and maps over them): with nginx's defaults (512 buckets of
 * 64 bytes, one name of 20 characters each) it searches in vain for a hash of a thousand names at
 * every reload, and warns.
 */
function hashSizeLines(names: number): string[] {
  if (names <= 256) return [];
  const size = 2 ** Math.ceil(Math.log2(names * 2));
  return [
    `    server_names_hash_max_size ${size};`,
    "    server_names_hash_bucket_size 128;",
    `    map_hash_max_size ${size};`,
    "    map_hash_bucket_size 128;",
  ];
}

/** Renders the configuration; throws {@link UnsafeValueError} rather than emit an unsafe value. */
export function renderNginxConfig(table: RouteTable, options: RenderOptions): string {
  const listen = quote("listen address", options.listen);
  const tls: TlsListen | undefined = options.tls && {
    // nginx 1.25.1 made http2 a directive of its own and deprecated the listen parameter.
    listen: `${quote("TLS listen address", options.tls.listen)} ssl${options.tls.http2Directive ? "" : " http2"}`,
    port: options.tls.publicPort === 443 ? "" : `:${options.tls.publicPort}`,
    http2: options.tls.http2Directive ? ["        http2 on;"] : [],
  };
  const requestLog = options.requestLog;
  const sink: RenderSink = { upstreams: [], upstreamNames: new Map(), maps: [], ids: 0, requestLog, params: [] };
  const rendered: RenderedHost[] = [];
  let catchAll: string[] | undefined;
  table.hosts.forEach((host, i) => {
    sink.params = [];
    const lines = hostLocations(host, i, sink);
    if (host.host === "*") catchAll = ownServer({ host, lines, params: sink.params });
    else rendered.push({ host, lines, params: sink.params });
  });
  const shared = shareServers(rendered, (h) =>
    tls !== undefined && h.tls !== undefined ? `${h.tls.certificate.id} ${h.tls.redirect}` : "",
  );
  const servers = shared.servers.flatMap((s) => serverBlocks(listen, tls, s.host, s.names, s.lines));
  const names = shared.servers.reduce((n, s) => n + s.names.length, 0);
  const sharedNames = shared.servers.filter((s) => s.shared).map((s) => s.names);
  return [
    "# Generated by kdns from its routes (DNSRecord, Ingress, HTTPRoute); edits are overwritten.",
    `worker_processes ${options.workers ?? "auto"};`,
    "pid nginx.pid;",
    "error_log logs/error.log warn;",
    "events {",
    "    worker_connections 4096;",
    "}",
    "http {",
    // Before any map: a map block fixes the map hash sizes nginx builds with.
    ...hashSizeLines(names),
    ...(requestLog ? requestLogLines(requestLog, sharedNames) : ["    access_log off;"]),
    "    server_tokens off;",
    ...(options.keepaliveMinTimeout ? ["    keepalive_min_timeout 1s;"] : []),
    ...limitLines(options.limits ?? DEFAULT_CLIENT_LIMITS),
    "    default_type text/plain;",
    "    client_body_temp_path tmp/client_body;",
    "    proxy_temp_path tmp/proxy;",
    "    fastcgi_temp_path tmp/fastcgi;",
    "    uwsgi_temp_path tmp/uwsgi;",
    "    scgi_temp_path tmp/scgi;",
    "    client_max_body_size 0;",
    "    # Stream bodies both ways and never spill to temp files (workers need no file access).",
    "    proxy_request_buffering off;",
    "    proxy_max_temp_file_size 0;",
    "    proxy_http_version 1.1;",
    "    proxy_connect_timeout 5s;",
    "    proxy_send_timeout 60s;",
    "    proxy_read_timeout 60s;",
    "    proxy_next_upstream error timeout;",
    "    map $http_upgrade $connection_upgrade {",
    "        default upgrade;",
    '        "" "";',
    "    }",
    ...TARGET_HOST_MAP,
    ...BASE_PROXY_HEADERS.map(([name, value]) => `    proxy_set_header ${name} ${value};`),
    // Only when something names it, so tables without matches or redirects render as they did.
    ...(sink.maps.length > 0 || usesListenerPort(servers, catchAll) ? [...LISTENER_PORT_MAP, ...sink.maps] : []),
    ...shared.maps,
    ...(options.tls ? TLS_LINES : []),
    ...sink.upstreams,
    ...defaultServer(listen, catchAll, requestLog),
    ...(tls && options.tls
      ? defaultServer(tls.listen, catchAll, requestLog, {
          certificate: options.tls.defaultCertificate,
          http2: tls.http2,
        })
      : []),
    ...servers,
    "}",
    "",
  ].join("\n");
}
