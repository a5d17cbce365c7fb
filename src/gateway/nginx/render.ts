/**
 * RouteTable → a complete nginx.conf (pure; pinned by a golden file). Paths inside the config are
 * relative, resolved by nginx against the runtime directory given with `-p`, so the same table
 * renders the same bytes wherever kdns keeps its data, and an unchanged rendering means no reload.
 *
 * Each Ingress `Prefix` becomes the pair ingress-nginx emits: `location = "/p"` (the bare path)
 * and `location "/p/"` (everything below it); `proxy_pass http://upstream/` replaces the matched
 * part with `/`, which strips the prefix. Each route has its own `upstream` listing its ready
 * endpoints, so round-robin, keep-alive and "next upstream on error" are nginx's own (README).
 */
import { formatHostPort } from "../../machinery/host-port.ts";
import { type ClientLimits, DEFAULT_CLIENT_LIMITS } from "../client-limits.ts";
import type { Backend, HostRoutes, Route, RouteTable } from "../routes/model.ts";
import { TEXT } from "../texts.ts";
import { quote, quoteBody } from "./quote.ts";

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
}

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
 * so the backend must be sent it as Host too, not the client's Host field. `/`, which no valid Host
 * is, marks a scheme other than this listener's http; such a request is 400.
 */
const TARGET_HOST_MAP = [
  "    map $request $kdns_host {",
  '        "~*^[^ ]+ http://(?<kdns_authority>[^/?# ]+)" $kdns_authority;',
  '        "~^[^ ]+ [^/]" "/";',
  "        default $http_host;",
  "    }",
];

/** The first lines of every server block: refuse a foreign scheme (see {@link TARGET_HOST_MAP}). */
const FOREIGN_SCHEME = '        if ($kdns_host = "/") { return 400; }';

function backendAddress(b: Backend): string {
  return formatHostPort({ host: b.ip, port: b.port });
}

function upstreamBlock(name: string, route: Route): string[] {
  const lines = [`    upstream ${name} {`];
  // max_fails=0: a refused backend is skipped per request (proxy_next_upstream) but never parked
  // for fail_timeout, so a restarted backend serves at once, as in the built-in engine.
  for (const b of route.backends) lines.push(`        server ${quote("backend", backendAddress(b))} max_fails=0;`);
  lines.push("        keepalive 32;", "    }");
  return lines;
}

function locationBody(name: string, route: Route, keepPath: boolean): string[] {
  if (route.backends.length === 0)
    return [`            return 503 ${quoteBody(TEXT.unavailable(route.unavailable ?? "none"))};`];
  return [`            proxy_pass http://${name}${keepPath ? "" : "/"};`];
}

function serverBlock(listen: string, host: HostRoutes, hostIndex: number): { upstreams: string[]; server: string[] } {
  const upstreams: string[] = [];
  const server = [
    "    server {",
    `        listen ${listen};`,
    `        server_name ${quote("host", host.host)};`,
    FOREIGN_SCHEME,
  ];
  let hasRoot = false;
  host.routes.forEach((route, i) => {
    const name = `kdns_${hostIndex}_${i}`;
    if (route.backends.length > 0) upstreams.push(...upstreamBlock(name, route));
    server.push(`        # ${quote("record", route.record)} -> ${quote("target", route.target)}`);
    if (route.prefix === "/") {
      hasRoot = true;
      server.push(`        location / {`, ...locationBody(name, route, true), "        }");
      return;
    }
    server.push(
      `        location = ${quote("path", route.prefix)} {`,
      ...locationBody(name, route, false),
      "        }",
    );
    server.push(
      `        location ${quote("path", `${route.prefix}/`)} {`,
      ...locationBody(name, route, false),
      "        }",
    );
  });
  if (!hasRoot) server.push("        location / {", `            return 404 ${quoteBody(TEXT.noPath)};`, "        }");
  server.push("    }");
  return { upstreams, server };
}

/** Renders the configuration; throws {@link UnsafeValueError} rather than emit an unsafe value. */
export function renderNginxConfig(table: RouteTable, options: RenderOptions): string {
  const listen = quote("listen address", options.listen);
  const upstreams: string[] = [];
  const servers: string[] = [];
  table.hosts.forEach((host, i) => {
    const block = serverBlock(listen, host, i);
    upstreams.push(...block.upstreams);
    servers.push(...block.server);
  });
  return [
    "# Generated by kdns from DNSRecords; edits are overwritten.",
    `worker_processes ${options.workers ?? "auto"};`,
    "pid nginx.pid;",
    "error_log logs/error.log warn;",
    "events {",
    "    worker_connections 4096;",
    "}",
    "http {",
    "    access_log off;",
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
    "    proxy_set_header Host $kdns_host;",
    "    proxy_set_header Upgrade $http_upgrade;",
    "    proxy_set_header Connection $connection_upgrade;",
    "    proxy_set_header X-Real-IP $remote_addr;",
    "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "    proxy_set_header X-Forwarded-Host $kdns_host;",
    "    proxy_set_header X-Forwarded-Proto $scheme;",
    ...upstreams,
    "    server {",
    `        listen ${listen} default_server;`,
    FOREIGN_SCHEME,
    `        return 404 ${quoteBody(TEXT.noHost)};`,
    "    }",
    ...servers,
    "}",
    "",
  ].join("\n");
}
