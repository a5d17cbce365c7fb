/**
 * The nginx engine: render → unchanged? → validate and install → SIGHUP. While nginx runs the
 * reload is the validation: nginx parses the new file as `nginx -t` would, and on an error keeps
 * serving the old configuration, whose file kdns then puts back — so a change costs one parse, not
 * two (with a thousand hosts a parse is most of a change's time). Before nginx runs (or while it is
 * being restarted) a candidate must pass `nginx -t` before it is installed. Either way a rejected
 * configuration never serves and nginx.conf holds the last good one. With a TLS listener the
 * certificates a candidate names are written before nginx reads them, and those no installed
 * configuration names any more are removed after the reload (or the rejection).
 */
import { rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseHostPort } from "../../machinery/host-port.ts";
import { logger } from "../../machinery/log.ts";
import { type ClientLimits, clientLimits } from "../client-limits.ts";
import type { ApplyResult, GatewayEngine } from "../engine.ts";
import type { RequestObservers } from "../observers.ts";
import type { RouteTable } from "../routes/model.ts";
import type { ServingCertificate } from "../tls/certificate.ts";
import { makeDefaultCertificate } from "../tls/default-certificate.ts";
import { findNginx, hasHttp2Directive, hasKeepaliveMinTimeout, nginxVersion } from "./binary.ts";
import { prepareCertificateDir, pruneCertificates, writeCertificates } from "./certificate-files.ts";
import { createLog, LogTail } from "./log-tail.ts";
import { renderNginxConfig, type TlsOptions } from "./render.ts";
import { observeNginxLine } from "./request-log.ts";
import { REQUEST_LOG_FILE, type RequestLogOptions } from "./request-log-render.ts";
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
  /**
   * `worker_processes` (default: the CPUs kdns may run on, which nginx inherits; nginx's own `auto`
   * counts every online CPU, so a kdns pinned to one CPU would get workers that only take turns,
   * and every reload forks and retires each of them — with a thousand hosts a retiring worker
   * costs about as much CPU as a parse).
   */
  workers?: number | "auto";
  /** The HTTPS listener, `host:port`; `publicPort` is the port redirects name (default: the listener's). */
  tls?: { listen: string; publicPort?: number };
  /** Request metrics and the access log; with either, nginx logs each request to a file kdns reads. */
  observers?: RequestObservers;
  /** Rotate nginx's request log once kdns read this much of it (default 16 MiB; tests rotate often). */
  requestLogRotateBytes?: number;
}

/** The running nginx engine, with counters tests read. */
export interface NginxEngine extends GatewayEngine {
  readonly kind: "nginx";
  /** The runtime directory. */
  readonly dir: string;
  readonly supervisor: NginxSupervisor;
  /** Reloads sent since start. */
  readonly reloads: number;
  /** Reads what nginx logged so far (its buffers flush within a second); resolves when read. */
  readRequestLog(): Promise<void>;
}

/** kdns renames nginx's request log aside and has nginx reopen it once it read this much of it. */
const REQUEST_LOG_ROTATE_BYTES = 16 * 1024 * 1024;

/** How long a rotated request log is still read: nginx's workers flush into it as they reopen. */
const REQUEST_LOG_GRACE_MS = 5_000;

/** The port of a `host:port` listen address. */
function portOf(listen: string): number {
  return parseHostPort(listen).port;
}

/** Starts nginx on an empty table (every request 404) and returns the engine. */
export async function startNginxEngine(options: NginxEngineOptions): Promise<NginxEngine> {
  const log = logger("gateway-nginx");
  const dir = join(options.dataDir, "nginx");
  const binary = await findNginx(options.binary);
  const supervisor = new NginxSupervisor({ binary, dir, log });
  const version = await nginxVersion(binary);
  const keepaliveMinTimeout = hasKeepaliveMinTimeout(version);
  const limits = clientLimits(options.limits);
  await supervisor.prepare();
  let tls: TlsOptions | undefined;
  const defaultCertificate = options.tls ? await makeDefaultCertificate() : undefined;
  // Certificate ids whose files are on disk, and those the installed configuration names.
  let written = new Set<string>();
  let installedIds = new Set<string>();
  if (options.tls && defaultCertificate) {
    await prepareCertificateDir(dir);
    written = await pruneCertificates(dir, new Set()); // a previous run's files
    await writeCertificates(dir, [defaultCertificate], written);
    installedIds = new Set([defaultCertificate.id]);
    tls = {
      listen: options.tls.listen,
      publicPort: options.tls.publicPort ?? portOf(options.tls.listen),
      defaultCertificate: defaultCertificate.id,
      http2Directive: hasHttp2Directive(version),
    };
  }
  const observers = options.observers;
  const requestLog: RequestLogOptions | undefined =
    observers?.metrics || observers?.accessLog ? { accessLog: observers.accessLog !== undefined } : undefined;
  let tail: LogTail | undefined;
  if (observers && requestLog) {
    const path = join(dir, REQUEST_LOG_FILE);
    tail = new LogTail({
      path,
      onLine: observeNginxLine(observers),
      graceMs: REQUEST_LOG_GRACE_MS,
      onError: (err) => log.warn({ err: err.message }, "reading nginx's request log failed; trying again"),
      rotate: {
        bytes: options.requestLogRotateBytes ?? REQUEST_LOG_ROTATE_BYTES,
        reopen: () => supervisor.reopen(),
      },
    });
    // Lines of an earlier run are not this run's requests.
    for (const old of [path, tail.retiredPath]) await rm(old, { force: true });
    await createLog(path);
  }
  const render = (table: RouteTable): string =>
    options.render
      ? options.render(table, options.listen)
      : renderNginxConfig(table, {
          listen: options.listen,
          keepaliveMinTimeout,
          limits,
          workers: options.workers ?? availableParallelism(),
          ...(tls ? { tls } : {}),
          ...(requestLog ? { requestLog } : {}),
        });
  /** The certificates `table` serves (with the default one), by id. */
  const certificatesOf = (table: RouteTable): Map<string, ServingCertificate> => {
    const out = new Map<string, ServingCertificate>();
    if (!tls || !defaultCertificate) return out;
    out.set(defaultCertificate.id, defaultCertificate);
    for (const h of table.hosts) if (h.tls) out.set(h.tls.certificate.id, h.tls.certificate);
    return out;
  };
  /** The table nginx serves and its rendering. */
  let served: RouteTable = { hosts: [], outcomes: [] };
  let current = render(served);
  try {
    const first = await supervisor.test(current);
    if (first.type === "failed") throw new Error(`nginx rejected kdns's empty configuration: ${first.error}`);
    await supervisor.install();
    await supervisor.start();
  } catch (err) {
    await supervisor.close();
    throw err;
  }
  tail?.start();
  let reloads = 0;
  let rejected: { text: string; error: string } | undefined;

  return {
    kind: "nginx",
    listen: options.listen,
    ...(options.tls ? { tlsListen: options.tls.listen } : {}),
    dir,
    supervisor,
    get reloads() {
      return reloads;
    },
    readRequestLog: async () => await tail?.poll(),
    async apply(table: RouteTable): Promise<ApplyResult> {
      let text: string;
      try {
        text = render(table);
      } catch (err) {
        return { type: "rejected", error: String((err as Error).message) };
      }
      if (text === current) return { type: "unchanged" };
      if (rejected?.text === text) return { type: "rejected", error: rejected.error };
      const certificates = certificatesOf(table);
      await writeCertificates(dir, certificates.values(), written);
      const reject = async (error: string): Promise<ApplyResult> => {
        log.error({ error }, "nginx rejected the new configuration; the last good one keeps serving");
        rejected = { text, error };
        if (tls) written = await pruneCertificates(dir, installedIds);
        return { type: "rejected", error };
      };
      // Lines of the new configuration name its routes: their series must exist first.
      const adopt = (): void => observers?.metrics?.adopt(table);
      if (await supervisor.reloadValidates()) {
        adopt();
        await supervisor.stage(text);
        await supervisor.install();
        const reloaded = await supervisor.reload({ untilExit: keepaliveMinTimeout });
        if (reloaded.type === "failed") {
          await supervisor.stage(current);
          await supervisor.install();
          observers?.metrics?.adopt(served);
          return await reject(`nginx: ${reloaded.error}`);
        }
      } else {
        const tested = await supervisor.test(text);
        if (tested.type === "failed") return await reject(`nginx -t: ${tested.error}`);
        adopt();
        await supervisor.install();
        await supervisor.reload({ untilExit: keepaliveMinTimeout });
      }
      current = text;
      served = table;
      reloads++;
      if (tls) {
        installedIds = new Set(certificates.keys());
        written = await pruneCertificates(dir, installedIds);
      }
      return { type: "applied" };
    },
    async close() {
      // nginx's workers flush their log buffers as they exit; the tail then reads the rest.
      await supervisor.close();
      await tail?.close();
    },
  };
}
