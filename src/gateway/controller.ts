/**
 * The gateway controller: informers on DNSRecords, Services, Endpoints and Secrets; any change schedules
 * one pass that rebuilds the whole route table from the caches (level-triggered, like
 * ingress-nginx's sync), hands it to the engine, then writes DNSRecord statuses that differ and
 * syncs SkyDNS keys. Passes never overlap; changes arriving during a pass (a burst) are coalesced
 * into one more pass. A failed write is retried by a later pass. With several gateways on one API,
 * the one holding the status Lease writes statuses and SkyDNS keys (see `statusLease`).
 *
 * Secrets are cached parsed (the informer's transform keeps a certificate and a KeyObject, or the
 * reason it cannot be served, and no other data), so a pass reads certificates without parsing
 * them, and a Secret no record names schedules no pass.
 */
import { type ResourceInfo, resourceByPath } from "../api/resources.ts";
import type { DNSRecord, Endpoints, Secret, Service } from "../api/types.ts";
import { Informer, objectKey } from "../client/informer.ts";
import { LeaderElector } from "../client/leader-election.ts";
import { ClientError, type RestClient } from "../client/rest-client.ts";
import { logger } from "../machinery/log.ts";
import type { GatewayEngine } from "./engine.ts";
import { httpRouteSources } from "./gateway-api/translate.ts";
import { gatewayApiWatch } from "./gateway-api/watch.ts";
import { buildRouteTable } from "./routes/build.ts";
import { dnsRecordRoutes } from "./routes/from-dns-record.ts";
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
  /**
   * The Lease gateways elect a status writer with: every gateway serves, only the leader writes
   * statuses and SkyDNS keys, so gateways that see a record differently (another engine, listener
   * or address) do not overwrite each other's status in a loop. Without it, this gateway writes.
   */
  statusLease?: { namespace: string; name: string; identity: string };
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
  const gatewayApi = gatewayApiWatch({
    client,
    changed: () => kick(),
    serviceExists: (namespace, name) => services.get(namespace, name) !== undefined,
    secretProblem: (namespace, name) => {
      const material = secrets.get(namespace, name)?.material;
      return material === undefined ? "not found" : material.type === "invalid" ? material.reason : undefined;
    },
  });
  const informers = [records, services, endpoints, secrets, ...gatewayApi.informers] as const;

  let live = new Map<string, string>(); // record key → spec JSON in the serving configuration
  let rejected: string | undefined;
  let passes = 0;
  let dirty = false;
  let running: Promise<void> | undefined;
  let synced = false;
  const leader = options.statusLease
    ? new LeaderElector({ client, ...options.statusLease, onChange: (leading) => leading && kick() })
    : undefined;
  const electing = leader?.run(signal);

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
    for (const outcome of table.outcomes) {
      if (outcome.owner.kind !== "DNSRecord") continue;
      const { namespace: ns, name } = outcome.owner;
      const key = `${ns}/${name}`;
      const rec = records.get(ns, name);
      if (!rec) continue;
      const stale = rejected !== undefined && live.get(key) !== specs.get(key);
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
        log.warn({ record: key, err: String(err) }, "status write failed; will retry");
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

  /** Whether a record names Secret `namespace/name` (only then does its change matter). */
  function namesSecret(namespace: string, name: string): boolean {
    return records
      .list()
      .some((r) => r.spec?.tls?.secretName === name && (r.metadata.namespace ?? "default") === namespace);
  }

  async function pass(): Promise<boolean> {
    const list = records.list();
    const named = namedSecrets(list);
    const attachments = gatewayApi.attach();
    for (const key of gatewayApi.secretKeys(attachments)) {
      const slash = key.indexOf("/");
      const s = secrets.get(key.slice(0, slash), key.slice(slash + 1));
      if (s) named.set(key, s.material);
    }
    const httpRoutes = attachments.routes.flatMap((r) => httpRouteSources(r) ?? []);
    const table = buildRouteTable({
      sources: [...list.map(dnsRecordRoutes), ...httpRoutes],
      services: services.list(),
      endpoints: endpoints.list(),
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
    if (leader && !leader.isLeader()) return true;
    let ok = await writeStatuses(table, specs);
    const programmed = { gatewayAddress: options.gatewayAddress, ...(rejected !== undefined ? { rejected } : {}) };
    ok = (await gatewayApi.writeStatuses(attachments, programmed)) && ok;
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

  for (const inf of [records, services, endpoints]) {
    inf.on("add", kick);
    inf.on("update", kick);
    inf.on("delete", kick);
  }
  const secretChanged = (namespace: string, name: string): void => {
    if (namesSecret(namespace, name) || gatewayApi.namesSecret(namespace, name)) kick();
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
      await electing;
      await Promise.all(informers.map((inf) => inf.stopped()));
    },
  };
}
