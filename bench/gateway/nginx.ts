/**
 * The nginx processes of the gateway benchmark: the backend (a small static file on two loopback
 * addresses, each with a body naming it) and the hand-written reverse proxy kdns's nginx engine
 * is measured against, over plain HTTP and HTTPS.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Child, startPinned } from "../support/proc.ts";
import { waitHttp } from "./http.ts";

/** The file every measurement fetches. */
export const FILE_PATH = "/file.txt";

/** One backend address and the first byte of its file. */
export interface BackendAddress {
  ip: string;
  port: number;
  mark: string;
}

const COMMON = ["pid nginx.pid;", "events { worker_connections 4096; }"];
const HTTP_COMMON = [
  "access_log off;",
  "server_tokens off;",
  "client_body_temp_path tmp/client_body;",
  "proxy_temp_path tmp/proxy;",
  "fastcgi_temp_path tmp/fastcgi;",
  "uwsgi_temp_path tmp/uwsgi;",
  "scgi_temp_path tmp/scgi;",
];

/**
 * Starts nginx on `conf`; `detached` gives it a session of its own, as kdns starts its nginx (in
 * its own process group, which Node makes a session): unpinned, Linux's scheduler shares the CPUs
 * between sessions (autogroups) before processes, so two proxies compare fairly only if both run
 * in a session of their own.
 */
async function startNginx(
  nginx: string,
  cpu: number,
  dir: string,
  conf: string,
  probe: string,
  detached = false,
): Promise<Child> {
  await mkdir(join(dir, "logs"), { recursive: true });
  await mkdir(join(dir, "tmp"), { recursive: true });
  await writeFile(join(dir, "nginx.conf"), conf);
  const child = startPinned(
    cpu,
    nginx,
    ["-p", `${dir}/`, "-c", join(dir, "nginx.conf"), "-e", "stderr", "-g", "daemon off;"],
    process.env,
    detached,
  );
  try {
    await waitHttp(probe, undefined, child);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return child;
}

/** The backend (the `nginx` binary): one worker pinned to `cpu`, serving a `size`-byte file on each address. */
export async function startBackend(
  nginx: string,
  cpu: number,
  dir: string,
  addresses: BackendAddress[],
  size: number,
): Promise<Child> {
  const servers: string[] = [];
  for (const a of addresses) {
    const root = join(dir, `root-${a.mark}`);
    await mkdir(root, { recursive: true });
    await writeFile(join(root, FILE_PATH.slice(1)), `${a.mark + "x".repeat(size - 2)}\n`);
    // nginx workers run as nobody when started by root: the tree must be world-readable.
    await chmod(dir, 0o755);
    await chmod(root, 0o755);
    servers.push(`server { listen ${a.ip}:${a.port}; root ${root}; }`);
  }
  const conf = [
    "worker_processes 1;",
    ...COMMON,
    "http {",
    ...HTTP_COMMON,
    "default_type text/plain;",
    ...servers,
    "}",
    "",
  ].join("\n");
  const first = addresses[0]!;
  return startNginx(nginx, cpu, dir, conf, `http://${first.ip}:${first.port}${FILE_PATH}`);
}

/** Where the hand-written proxy serves HTTPS, and with which certificate files. */
export interface HandWrittenTls {
  listen: string;
  certPath: string;
  keyPath: string;
}

/**
 * The hand-written proxy kdns's nginx engine is measured against: one `upstream` with keep-alive
 * and `proxy_pass` for `/`, with the headers such a proxy usually sets (Host, X-Real-IP,
 * X-Forwarded-For, X-Forwarded-Proto); with `tls`, the same on a TLS listener with HTTP/2 on and
 * TLS 1.2 and 1.3 (as kdns renders them: nginx 1.22's default protocols have no TLS 1.3, and a
 * TLS 1.2 proxy would be measured against a TLS 1.3 one) and nginx's default ciphers. One worker,
 * as kdns renders for a process that may run on one CPU (every proxy starts pinned to one).
 */
export function handWrittenConfig(listen: string, backend: BackendAddress, tls?: HandWrittenTls): string {
  const location = [
    "        location / {",
    "            proxy_pass http://backend;",
    "            proxy_http_version 1.1;",
    '            proxy_set_header Connection "";',
    "            proxy_set_header Host $host;",
    "            proxy_set_header X-Real-IP $remote_addr;",
    "            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "            proxy_set_header X-Forwarded-Proto $scheme;",
    "        }",
  ];
  return [
    "worker_processes 1;",
    ...COMMON,
    "http {",
    ...HTTP_COMMON,
    `    upstream backend { server ${backend.ip}:${backend.port}; keepalive 32; }`,
    "    server {",
    `        listen ${listen};`,
    ...location,
    "    }",
    ...(tls
      ? [
          "    server {",
          `        listen ${tls.listen} ssl http2;`,
          "        ssl_protocols TLSv1.2 TLSv1.3;",
          `        ssl_certificate ${tls.certPath};`,
          `        ssl_certificate_key ${tls.keyPath};`,
          ...location,
          "    }",
        ]
      : []),
    "}",
    "",
  ].join("\n");
}

/**
 * Starts the hand-written proxy (the `nginx` binary) pinned to `cpu`, on `port` and, with `tls`,
 * HTTPS too; in a session of its own, as kdns's nginx runs (see startNginx).
 */
export async function startHandWritten(
  nginx: string,
  cpu: number,
  dir: string,
  port: number,
  backend: BackendAddress,
  tls?: HandWrittenTls,
): Promise<Child> {
  return startNginx(
    nginx,
    cpu,
    dir,
    handWrittenConfig(`127.0.0.1:${port}`, backend, tls),
    `http://127.0.0.1:${port}${FILE_PATH}`,
    true,
  );
}
