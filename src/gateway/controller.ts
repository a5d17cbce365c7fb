/**
 * The gateway controller: informers on DNSRecords, Services, Endpoints and Secrets; any change schedules
 * one pass that rebuilds the whole route table from the caches (level-triggered, like
 * ingress-nginx's sync), hands it to the engine, then writes DNSRecord statuses that differ and
 * syncs SkyDNS keys. Passes never overlap; changes arriving during a pass (a burst) are coalesced
 * into one more pass. A failed write is retried by a later pass.
 *
 * Records are indexed by the Services and Secrets they name (record-references.ts): a change to an
 * object no record names schedules no pass, and a pass reads only the named objects, so the
 * churn of a large cluster's other Services and Endpoints costs one index lookup per event.
 *
 * Secrets are cached parsed (the informer's transform keeps a certificate and a KeyObject, or the
 * reason it cannot be served, and no other data), so a pass reads certificates without parsing
 * them, and a Secret no record names schedules no pass.
 */
import { type ResourceInfo, resourceByPath } from "../api/resources.ts";
import type { DNSRecord, Endpoints, KubeObject, Secret, Service } from "../api/types.ts";
import { Informer, objectKey } from "../client/informer.ts";
import { ClientError, type RestClient } from "../client/rest-client.ts";
import { logger } from "../machinery/log.ts";
import type { GatewayEngine } from "./engine.ts";
import { BACKEND_SERVICE_INDEX, byBackendService, byTlsSecret, TLS_SECRET_INDEX } from "./record-references.ts";
import { buildRouteTable } from "./routes/build.ts";
import type { SkydnsPublisher } from "./skydns/publisher.ts";
import { desiredStatus, statusEqual, withTransitionTime } from "./status/desired.ts";
import { parseTlsSecret, type TlsMaterial } from "./tls/certificate.ts";

/** What the controller caches of a Secret. */
interface WatchedSecret {
  metadata: { resourceVersion?: string };
  material: TlsMaterial;
}

/** Options of {@link runGatewayController}. */
export interface GatewayControllerOptions {
  client: RestClient;
  engine: GatewayEngine;
  /** The IP hosts resolve to, written to status and SkyDNS. */
  gatewayAddress: string;
  skydns?: SkydnsPublisher;
  /** Wait this long after a change before a pass, to gather bursts (default 0 ms). */
  coalesceMs?: number;
  /** Delay before retrying after a failed pass (default 1 s). */
  retryMs?: number;
}

/** A running controller. */
export interface GatewayController {
  synced(): boolean;
  /** Passes completed (tests wait on it). */
  readonly passes: number;
  /** Resolves after `signal` aborted and the current pass has finished. */
  stopped(): Promise<void>;
}

function resource(group: string, plural: string): ResourceInfo {
  const info = resourceByPath(group, plural);
  if (!info) throw new Error(`resource ${plural} is not in the resource table`);
  return info;
}

/** Starts the controller; it runs until `signal` aborts. */
export function runGatewayController(options: GatewayControllerOptions, signal: AbortSignal): GatewayController {
  const log = logger("gateway");
  const { client, engine } = options;
  const recordInfo = resource("kdns.dev", "dnsrecords");
  const records = new Informer<DNSRecord>(client, recordInfo);
  const services = new Informer<Service>(client, resource("", "services"));
  const endpoints = new Informer<Endpoints>(client, resource("", "endpoints"));
  const secrets = new Informer<Secret, WatchedSecret>(client, resource("", "secrets"), {
    transform: (s) => ({
      metadata: s.metadata.resourceVersion !== undefined ? { resourceVersion: s.metadata.resourceVersion } : {},
      material: parseTlsSecret(s),
    }),
  });
  const informers = [records, services, endpoints, secrets] as const;
  records.addIndex(BACKEND_SERVICE_INDEX, byBackendService);
  records.addIndex(TLS_SECRET_INDEX, byTlsSecret);

  let live = new Map<string, string>(); // record key → spec JSON in the serving configuration
  let rejected: string | undefined;
  let passes = 0;
  let dirty = false;
  let running: Promise<void> | undefined;
  let synced = false;

  async function writeStatuses(
    table: ReturnType<typeof buildRouteTable>,
    specs: Map<string, string>,
  ): Promise<boolean> {
    let ok = true;
    const ctx = {
      gatewayAddress: options.gatewayAddress,
      engine: engine.kind,
      listen: engine.listen,
      ...(engine.tlsListen !== undefined ? { tlsListen: engine.tlsListen } : {}),
    };
    for (const outcome of table.records) {
      const slash = outcome.key.indexOf("/");
      const ns = outcome.key.slice(0, slash);
      const name = outcome.key.slice(slash + 1);
      const rec = records.get(ns, name);
      if (!rec) continue;
      const stale = rejected !== undefined && live.get(outcome.key) !== specs.get(outcome.key);
      const want = desiredStatus(outcome, stale && rejected !== undefined ? { ...ctx, rejected } : ctx);
      if (statusEqual(rec.status, want)) continue;
      const status = withTransitionTime(rec.status, want, new Date());
      try {
        await client.patch(
          recordInfo,
          ns,
          name,
          { status: { ...status, gatewayAddress: status.gatewayAddress ?? null } },
          "application/merge-patch+json",
          "status",
        );
      } catch (err) {
        if (err instanceof ClientError && err.code === 404) continue;
        ok = false;
        log.warn({ record: outcome.key, err: String(err) }, "status write failed; will retry");
      }
    }
    return ok;
  }

  /** The parsed Secrets `list` names in `spec.tls`, by `namespace/name`. */
  function namedSecrets(list: readonly DNSRecord[]): Map<string, TlsMaterial> {
    const out = new Map<string, TlsMaterial>();
    for (const r of list) {
      const name = r.spec?.tls?.secretName;
      if (typeof name !== "string") continue;
      const ns = r.metadata.namespace ?? "default";
      const s = secrets.get(ns, name);
      if (s) out.set(`${ns}/${name}`, s.material);
    }
    return out;
  }

  /** What identifies the certificate `record` names: its id, or why there is none. */
  function certificateOf(record: DNSRecord, named: Map<string, TlsMaterial>): string {
    const name = record.spec?.tls?.secretName;
    if (typeof name !== "string") return "";
    const m = named.get(`${record.metadata.namespace ?? "default"}/${name}`);
    return m === undefined ? " no secret" : m.type === "ok" ? ` ${m.id}` : ` ${m.reason}`;
  }

  /** Whether a record names `namespace/name` in index `index` (only then does its change matter). */
  function referenced(index: string, namespace: string, name: string): boolean {
    return records.byIndex(index, `${namespace}/${name}`).length > 0;
  }

  /** The cached objects of `informer` that records' paths name: all the table reads of that kind. */
  function backends<T extends KubeObject>(informer: Informer<T>, list: readonly DNSRecord[]): T[] {
    const out: T[] = [];
    const seen = new Set<string>();
    for (const r of list) {
      const namespace = r.metadata.namespace ?? "";
      for (const key of byBackendService(r, namespace, r.metadata.name ?? "")) {
        if (seen.has(key)) continue;
        seen.add(key);
        const found = informer.get(namespace, key.slice(namespace.length + 1));
        if (found) out.push(found);
      }
    }
    return out;
  }

  async function pass(): Promise<boolean> {
    const list = records.list();
    const named = namedSecrets(list);
    const table = buildRouteTable({
      records: list,
      services: backends(services, list),
      endpoints: backends(endpoints, list),
      secrets: named,
      https: engine.tlsListen !== undefined,
    });
    // A record's part of the configuration: its spec and the certificate it names, so a rotation
    // the engine rejects marks the record as a spec change would.
    const specs = new Map(list.map((r) => [objectKey(r), JSON.stringify(r.spec) + certificateOf(r, named)]));
    const result = await options.engine.apply(table);
    if (result.type === "rejected") rejected = result.error;
    else {
      live = specs;
      rejected = undefined;
    }
    let ok = await writeStatuses(table, specs);
    if (options.skydns) {
      try {
        await options.skydns.sync(table.hosts.map((h) => h.host));
      } catch (err) {
        ok = false;
        log.warn({ err: String(err) }, "SkyDNS publish failed; will retry");
      }
    }
    return ok;
  }

  async function loop(): Promise<void> {
    if (options.coalesceMs) await new Promise((r) => setTimeout(r, options.coalesceMs));
    while (dirty && !signal.aborted) {
      dirty = false;
      let ok = false;
      try {
        ok = await pass();
      } catch (err) {
        log.error({ err: String(err) }, "gateway pass failed; will retry");
      }
      passes++;
      if (!ok && !signal.aborted) setTimeout(kick, options.retryMs ?? 1_000).unref();
    }
    running = undefined;
  }

  function kick(): void {
    if (!synced || signal.aborted) return;
    dirty = true;
    running ??= loop();
  }

  records.on("add", kick);
  records.on("update", kick);
  records.on("delete", kick);
  // A Service or Endpoints no record routes to cannot change the table (most of a big cluster's churn).
  for (const inf of [services, endpoints] as Informer<KubeObject>[]) {
    const backendChanged = (namespace: string, name: string): void => {
      if (referenced(BACKEND_SERVICE_INDEX, namespace, name)) kick();
    };
    inf.on("add", (_o, namespace, name) => backendChanged(namespace, name));
    inf.on("update", (_old, _o, namespace, name) => backendChanged(namespace, name));
    inf.on("delete", (_o, namespace, name) => backendChanged(namespace, name));
  }
  const secretChanged = (namespace: string, name: string): void => {
    if (referenced(TLS_SECRET_INDEX, namespace, name)) kick();
  };
  secrets.on("add", (_s, namespace, name) => secretChanged(namespace, name));
  secrets.on("update", (_old, _s, namespace, name) => secretChanged(namespace, name));
  secrets.on("delete", (_s, namespace, name) => secretChanged(namespace, name));
  for (const inf of informers) inf.start(signal);
  const ready = Promise.all(informers.map((inf) => inf.waitForSync(signal))).then(
    () => {
      synced = true;
      kick();
    },
    () => undefined,
  );

  return {
    synced: () => synced,
    get passes() {
      return passes;
    },
    stopped: async () => {
      await ready;
      await running;
      await Promise.all(informers.map((inf) => inf.stopped()));
    },
  };
}
