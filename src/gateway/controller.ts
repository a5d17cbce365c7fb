/**
 * The gateway controller: informers on the route sources (DNSRecords, Ingresses and their
 * IngressClasses, and the Gateway API kinds of gateway-api/watch.ts), Services, Endpoints and
 * Secrets; a change that matters schedules one pass that computes the route table from the caches
 * (level-triggered, like ingress-nginx's sync) and hands it to the engine; a status writer loop
 * then writes the statuses that differ, reports Events and syncs SkyDNS keys, off the serving
 * path: a change arriving meanwhile is served without waiting for those writes. The first status
 * write also creates kdns's default IngressClass (ingress/default-class.ts). Passes never overlap;
 * changes arriving during a pass (a burst) are coalesced into one more pass, and the status writer
 * writes the newest pass's. A failed write is retried by a later pass. With several gateways on
 * one API, the one holding the status Lease writes statuses and SkyDNS keys (see `statusLease`).
 *
 * A pass costs what changed, not the size of the table: each source is translated once per
 * object (the informers replace an object when it changes), HTTPRoutes keep their attachment
 * (gateway-api/watch.ts), and the table builder recomputes only the owners and hosts whose inputs
 * changed (routes/build.ts).
 *
 * What matters is filtered per event, without a pass over any kind: a source's update only when
 * its spec, labels or annotations changed (not the gateway's own status writes), and a Service,
 * Endpoints or Secret only when a route source names it (named-refs.ts indexes them). A pass reads
 * the Services, Endpoints and Secrets the sources name one by one, never the whole kind.
 *
 * Secrets are cached parsed (the informer's transform keeps a certificate and a KeyObject, or the
 * reason it cannot be served, and no other data), so a pass reads certificates without parsing
 * them. */
import { isDeepStrictEqual } from "node:util";
import type { Registry } from "prom-client";
import type { HTTPRoute } from "../api/gateway-api-types.ts";
import { type ResourceInfo, resourceByPath } from "../api/resources.ts";
import type { DNSRecord, Endpoints, Ingress, IngressClass, KubeObject, Secret, Service } from "../api/types.ts";
import type { EventSink } from "../client/event-recorder.ts";
import { objectKey } from "../client/informer.ts";
import { LeaderElector } from "../client/leader-election.ts";
import { ClientError, type RestClient } from "../client/rest-client.ts";
import { SharedInformers } from "../client/shared-informers.ts";
import { logger } from "../machinery/log.ts";
import type { GatewayEngine } from "./engine.ts";
import type { Attachments } from "./gateway-api/attach.ts";
import { httpRouteSources } from "./gateway-api/translate.ts";
import { gatewayApiWatch } from "./gateway-api/watch.ts";
import { kdnsClasses, servesIngress } from "./ingress/class.ts";
import { ensureDefaultIngressClass } from "./ingress/default-class.ts";
import { writeIngressStatuses } from "./ingress/status-writer.ts";
import type { ConfigChanges } from "./metrics/config-changes.ts";
import { NamedRefs } from "./named-refs.ts";
import { type BackendReader, RouteTableBuilder } from "./routes/build.ts";
import { dnsRecordRoutes } from "./routes/from-dns-record.ts";
import { ingressRoutes } from "./routes/from-ingress.ts";
import { ownerKey, type RouteTable } from "./routes/model.ts";
import type { OwnerRoutes } from "./routes/source.ts";
import type { SkydnsPublisher } from "./skydns/publisher.ts";
import { desiredStatus, statusEqual, withTransitionTime } from "./status/desired.ts";
import { outcomeProblems, RouteEvents, recordProblems } from "./status/events.ts";
import { parseTlsSecret, type TlsMaterial } from "./tls/certificate.ts";

/** What the controller caches of a Secret. */
interface WatchedSecret {
  metadata: { resourceVersion?: string };
  material: TlsMaterial;
}

/** Options of {@link runGatewayController}. */
export interface GatewayControllerOptions {
  client: RestClient;
  /** Share list + watch with the process's other components (`kdns up`); default: the gateway's own. */
  informers?: SharedInformers;
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
  /** Told of every change and of what each pass made of them (metrics). */
  changes?: ConfigChanges;
  /** Registry of the informers' `kdns_informer_*` figures (component `gateway`). */
  metrics?: Registry;
  /** Where Warning Events about records it cannot serve go (default: none are reported). */
  events?: EventSink;
}

/** A running controller. */
export interface GatewayController {
  /**
   * Whether the table built from the synced caches has been handed to the engine (applied, or
   * rejected with the last good one serving): from then on a request sees the routes that existed
   * at start, and no engine worker still answers from an older configuration.
   */
  ready(): boolean;
  /** The route table the engine serves now (the last one it applied), if any. */
  served(): RouteTable | undefined;
  /** Passes completed, their statuses written (tests wait on it). */
  readonly passes: number;
  /** What the last pass computed afresh (tests check it follows the change, not the table's size). */
  readonly work: PassWork;
  /** Resolves after `signal` aborted and the current pass has finished. */
  stopped(): Promise<void>;
}

/** What one pass computed afresh rather than reusing from the pass before. */
export interface PassWork {
  /** HTTPRoutes attached. */
  attached: number;
  /** Route sources translated. */
  translated: number;
  /** Owners, hosts and outcomes of the route table (routes/build.ts). */
  owners: number;
  hosts: number;
  outcomes: number;
}

/** The sources a table was built from and the certificates they named. */
interface Configuration {
  sources: readonly OwnerRoutes[];
  named: Map<string, TlsMaterial>;
}

/** What the status writer needs of a pass. */
interface StatusWork {
  table: RouteTable;
  /** The pass's configuration, and the one serving (they differ when the engine refused this one). */
  config: Configuration;
  live: Configuration;
  /** Why the engine refused this pass's table, when it did. */
  rejected: string | undefined;
  served: (i: Ingress) => boolean;
  attachments: Attachments;
}

/** Whether an update of a route source matters to routing: its spec (generation), labels, annotations or identity. */
function sourceChanged(a: KubeObject, b: KubeObject): boolean {
  return (
    a.metadata.generation !== b.metadata.generation ||
    a.metadata.uid !== b.metadata.uid ||
    !isDeepStrictEqual(a.metadata.labels, b.metadata.labels) ||
    !isDeepStrictEqual(a.metadata.annotations, b.metadata.annotations)
  );
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
  const measured = options.metrics ? { metrics: { registry: options.metrics, component: "gateway" } } : {};
  const shared = options.informers ?? new SharedInformers(client);
  const records = shared.informer<DNSRecord>(recordInfo, measured);
  const services = shared.informer<Service>(resource("", "services"), measured);
  const endpoints = shared.informer<Endpoints>(resource("", "endpoints"), measured);
  const secrets = shared.informer<Secret, WatchedSecret>(resource("", "secrets"), {
    ...measured,
    transform: (s) => ({
      metadata: s.metadata.resourceVersion !== undefined ? { resourceVersion: s.metadata.resourceVersion } : {},
      material: parseTlsSecret(s),
    }),
  });
  const gatewayApi = gatewayApiWatch({
    client,
    informers: shared,
    changed: () => kick(),
    serviceExists: (namespace, name) => services.get(namespace, name) !== undefined,
    secretProblem: (namespace, name) => {
      const material = secrets.get(namespace, name)?.material;
      return material === undefined ? "not found" : material.type === "invalid" ? material.reason : undefined;
    },
    tlsListener: engine.tlsListen !== undefined,
    ...measured,
  });
  const ingresses = shared.informer<Ingress>(resource("networking.k8s.io", "ingresses"), measured);
  const ingressClasses = shared.informer<IngressClass>(resource("networking.k8s.io", "ingressclasses"), measured);
  const refs = new NamedRefs({ records, ingresses, routes: gatewayApi.routes, gateways: gatewayApi.gateways });
  const informers = [
    records,
    services,
    endpoints,
    secrets,
    ingresses,
    ingressClasses,
    ...gatewayApi.informers,
  ] as const;
  const routeEvents = options.events ? new RouteEvents(options.events) : undefined;
  let defaultClassEnsured = false;
  const builder = new RouteTableBuilder();
  // The Services and Endpoints the routes name, read one by one from the caches: a pass costs
  // what the routes name, not the size of the cluster.
  let backendGeneration = 0; // bumped by every event of a Service or Endpoints a route names
  const backends: BackendReader = {
    service: (ns, name) => services.get(ns, name),
    endpoints: (ns, name) => endpoints.get(ns, name),
    get generation() {
      return backendGeneration;
    },
  };
  const translations = new WeakMap<object, OwnerRoutes | undefined>();
  const specJsons = new WeakMap<object, string>();
  const objects = new WeakMap<OwnerRoutes, KubeObject>(); // a translation's object
  let translationCount = 0;

  let live: Configuration = { sources: [], named: new Map() }; // the serving configuration
  let rejected: string | undefined;
  /** Passes whose table was handed to the engine (or that failed), and of those, the ones whose statuses are written too. */
  let finished = 0;
  let passes = 0;
  let pendingStatus: StatusWork | undefined;
  let writing: Promise<void> | undefined;
  let work: PassWork = { attached: 0, translated: 0, owners: 0, hosts: 0, outcomes: 0 };
  let dirty = false;
  let running: Promise<void> | undefined;
  let synced = false;
  let ready = false;
  const leader = options.statusLease
    ? new LeaderElector({ client, ...options.statusLease, onChange: (leading) => leading && kick() })
    : undefined;
  const electing = leader?.run(signal);
  let servedTable: RouteTable | undefined;

  /**
   * Each DNSRecord's part of `config` by `namespace/name`: its spec and the certificates it
   * names, so a rotation the engine rejects marks the record as a spec change would.
   */
  function recordParts(config: Configuration): Map<string, string> {
    const out = new Map<string, string>();
    for (const src of config.sources)
      if (src.owner.kind === "DNSRecord")
        out.set(ownerKey(src.owner), specJson(objects.get(src)?.["spec"]) + certificatesOf(src, config.named));
    return out;
  }

  async function writeStatuses({ table, config, live, rejected }: StatusWork): Promise<boolean> {
    // Only when the engine refused the table: which records differ from the serving configuration.
    const [mine, serving] = rejected !== undefined ? [recordParts(config), recordParts(live)] : [];
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
      const stale = rejected !== undefined && serving?.get(key) !== mine?.get(key);
      const want = desiredStatus(outcome, stale && rejected !== undefined ? { ...ctx, rejected } : ctx);
      routeEvents?.observe(rec, recordProblems(want));
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

  /** Reports the problems of the served Ingresses and attached HTTPRoutes (DNSRecords report theirs with their status). */
  function reportOutcomes(table: RouteTable, served: (i: Ingress) => boolean, attachments: Attachments): void {
    if (!routeEvents) return;
    let routes: Map<string, HTTPRoute> | undefined; // made when an HTTPRoute has a problem
    for (const outcome of table.outcomes) {
      if (outcome.owner.kind === "DNSRecord") continue;
      const problems = outcomeProblems(outcome);
      if (problems.length === 0) continue; // nothing to note
      const key = `${outcome.owner.namespace}/${outcome.owner.name}`;
      let owner: KubeObject | undefined;
      if (outcome.owner.kind === "HTTPRoute") {
        routes ??= new Map(attachments.routes.map((r) => [objectKey(r.route), r.route]));
        owner = routes.get(key);
      } else {
        const ingress = ingresses.get(outcome.owner.namespace, outcome.owner.name);
        owner = ingress && served(ingress) ? ingress : undefined;
      }
      if (owner) routeEvents.observe(owner, problems);
    }
  }

  /** The parsed Secrets the sources' TLS sections name, by `namespace/name`. */
  function namedSecrets(sources: readonly OwnerRoutes[]): Map<string, TlsMaterial> {
    const out = new Map<string, TlsMaterial>();
    for (const src of sources)
      for (const t of src.tls) {
        const slash = t.secret.indexOf("/");
        const s = secrets.get(t.secret.slice(0, slash), t.secret.slice(slash + 1));
        if (s) out.set(t.secret, s.material);
      }
    return out;
  }

  /** What identifies the certificates a source names: their ids, or why there are none. */
  function certificatesOf(src: OwnerRoutes, named: Map<string, TlsMaterial>): string {
    return src.tls
      .map((t) => {
        const m = named.get(t.secret);
        return m === undefined ? " no secret" : m.type === "ok" ? ` ${m.id}` : ` ${m.reason}`;
      })
      .join("");
  }

  /**
   * The translation of `object` (a cached DNSRecord or Ingress, or an HTTPRoute's attachment
   * state), made once: the informers replace an object when it changes, and the Gateway API part
   * keeps a route's state while nothing it depends on changed.
   */
  function translated<T extends object>(
    object: T,
    owner: KubeObject,
    translate: (o: T) => OwnerRoutes | undefined,
  ): OwnerRoutes | undefined {
    if (translations.has(object)) return translations.get(object);
    const src = translate(object);
    translations.set(object, src);
    if (src !== undefined) objects.set(src, owner);
    translationCount++;
    return src;
  }

  /** `spec` as JSON, made once per spec object. */
  function specJson(spec: unknown): string {
    if (typeof spec !== "object" || spec === null) return JSON.stringify(spec) ?? "";
    let json = specJsons.get(spec);
    if (json === undefined) specJsons.set(spec, (json = JSON.stringify(spec)));
    return json;
  }

  /** Every route source the gateway serves, translated. */
  function routeSources(served: (i: Ingress) => boolean, attachments: Attachments): OwnerRoutes[] {
    const sources: OwnerRoutes[] = [];
    const add = (src: OwnerRoutes | undefined): void => {
      if (src !== undefined) sources.push(src);
    };
    for (const r of records.list()) add(translated(r, r, dnsRecordRoutes));
    for (const i of ingresses.list()) if (served(i)) add(translated(i, i, ingressRoutes));
    // An HTTPRoute's translation is kept by its attachments, which a status-only update keeps.
    for (const state of attachments.routes)
      add(translated(state.attachments, state.route, () => httpRouteSources(state)));
    return sources;
  }

  /** Builds the table from the caches and hands it to the engine; what the statuses need is returned. */
  async function pass(): Promise<StatusWork> {
    const t0 = performance.now();
    const classes = kdnsClasses(ingressClasses.list());
    const served = (i: Ingress): boolean => servesIngress(i, classes);
    const attachments = gatewayApi.attach();
    const t1 = performance.now();
    const translatedBefore = translationCount;
    const sources = routeSources(served, attachments);
    const named = namedSecrets(sources);
    const t2 = performance.now();
    const table = builder.build({
      sources,
      backends,
      secrets: named,
      https: engine.tlsListen !== undefined,
    });
    const config: Configuration = { sources, named };
    const t3 = performance.now();
    const since = options.changes?.passStarts();
    const result = await options.engine.apply(table);
    const t4 = performance.now();
    options.changes?.applied(since, result);
    ready = true;
    if (result.type === "rejected") rejected = result.error;
    else {
      live = config;
      rejected = undefined;
      servedTable = table;
    }
    work = {
      attached: gatewayApi.attached,
      translated: translationCount - translatedBefore,
      ...builder.computed,
    };
    const ms = (a: number, b: number): number => Math.round((b - a) * 100) / 100;
    log.debug({ attach: ms(t0, t1), translate: ms(t1, t2), build: ms(t2, t3), apply: ms(t3, t4), ...work }, "pass");
    return { table, config, live, rejected, served, attachments };
  }

  /** Writes what a pass decided (statuses, Events, SkyDNS keys) when this gateway is the status writer. */
  async function writeStatusWork(w: StatusWork): Promise<boolean> {
    if (leader && !leader.isLeader()) return true;
    const t0 = performance.now();
    let ok = await writeStatuses(w);
    const programmed = {
      gatewayAddress: options.gatewayAddress,
      ...(w.rejected !== undefined ? { rejected: w.rejected } : {}),
    };
    ok = (await gatewayApi.writeStatuses(w.attachments, programmed)) && ok;
    ok = (await writeIngressStatuses(client, ingresses.list(), w.served, options.gatewayAddress, log)) && ok;
    reportOutcomes(w.table, w.served, w.attachments);
    routeEvents?.endPass();
    if (!defaultClassEnsured) {
      try {
        await ensureDefaultIngressClass(client);
        defaultClassEnsured = true;
      } catch (err) {
        ok = false;
        log.warn({ err: String(err) }, "creating the default IngressClass failed; will retry");
      }
    }
    if (options.skydns) {
      try {
        // SkyDNS keys name exact hosts; wildcard and catch-all hosts are answered by kdns's own DNS.
        await options.skydns.sync(w.table.hosts.map((h) => h.host).filter((h) => !h.startsWith("*")));
      } catch (err) {
        ok = false;
        log.warn({ err: String(err) }, "SkyDNS publish failed; will retry");
      }
    }
    log.debug({ status: Math.round((performance.now() - t0) * 100) / 100 }, "statuses");
    return ok;
  }

  /** A failed pass or status write: a later pass retries. */
  function retryLater(): void {
    if (!signal.aborted) setTimeout(kick, options.retryMs ?? 1_000).unref();
  }

  /**
   * Writes the statuses of the newest pass, then of the newest after it, …: off the serving
   * path, so a change arriving while statuses are written is served at once, and a burst of
   * passes writes the last one's statuses only.
   */
  async function writeLoop(): Promise<void> {
    while (pendingStatus !== undefined && !signal.aborted) {
      const w = pendingStatus;
      pendingStatus = undefined;
      const upTo = finished;
      let ok = false;
      try {
        ok = await writeStatusWork(w);
      } catch (err) {
        log.error({ err: String(err) }, "gateway status writes failed; will retry");
      }
      if (!ok) retryLater();
      passes = upTo;
    }
    passes = finished;
    writing = undefined;
  }

  async function loop(): Promise<void> {
    if (options.coalesceMs) await new Promise((r) => setTimeout(r, options.coalesceMs));
    while (dirty && !signal.aborted) {
      dirty = false;
      try {
        pendingStatus = await pass();
      } catch (err) {
        log.error({ err: String(err) }, "gateway pass failed; will retry");
        retryLater();
      }
      finished++;
      if (pendingStatus !== undefined) writing ??= writeLoop();
      else if (writing === undefined) passes = finished;
    }
    running = undefined;
  }

  function kick(): void {
    if (!synced || signal.aborted) return;
    dirty = true;
    running ??= loop();
  }

  /** A change to `object` (stamped for the metrics once synced; the initial list is no change). */
  const changed = (object?: { metadata?: { annotations?: Record<string, string> } }): void => {
    if (synced) options.changes?.changed(object);
    kick();
  };
  // Route sources: a change of spec, labels or annotations (an Ingress's class may be one), not the
  // gateway's own status writes.
  for (const inf of [records, ingresses] as const) {
    inf.on("add", (o) => changed(o));
    inf.on("update", (old, o) => sourceChanged(old, o) && changed(o));
    inf.on("delete", () => changed());
  }
  ingressClasses.on("add", (o) => changed(o));
  ingressClasses.on("update", (_old, o) => changed(o));
  ingressClasses.on("delete", () => changed());
  // Services, Endpoints and Secrets only matter when a route source names them (one index lookup).
  // A Service appearing or going, or a Secret changing, may change HTTPRoute attachments
  // (ResolvedRefs, listener certificates): those are recomputed.
  const attachmentChanged = (o?: KubeObject): void => {
    gatewayApi.invalidate();
    changed(o);
  };
  // A named Service or Endpoints changing: the table builder compares the ones it read.
  const backendChanged = (o?: KubeObject, appeared = false): void => {
    backendGeneration++;
    if (appeared) attachmentChanged(o);
    else changed(o);
  };
  services.on("add", (o, ns, name) => refs.namesService(ns, name) && backendChanged(o, true));
  services.on("update", (_old, o, ns, name) => refs.namesService(ns, name) && backendChanged(o));
  services.on("delete", (_o, ns, name) => refs.namesService(ns, name) && backendChanged(undefined, true));
  endpoints.on("add", (o, ns, name) => refs.namesService(ns, name) && backendChanged(o));
  endpoints.on("update", (_old, o, ns, name) => refs.namesService(ns, name) && backendChanged(o));
  endpoints.on("delete", (_o, ns, name) => refs.namesService(ns, name) && backendChanged());
  secrets.on("add", (_s, ns, name) => refs.namesSecret(ns, name) && attachmentChanged());
  secrets.on("update", (_old, _s, ns, name) => refs.namesSecret(ns, name) && attachmentChanged());
  secrets.on("delete", (_s, ns, name) => refs.namesSecret(ns, name) && attachmentChanged());
  for (const inf of informers) inf.start(signal);
  const syncing = Promise.all(informers.map((inf) => inf.waitForSync(signal))).then(
    () => {
      synced = true;
      kick();
    },
    () => undefined,
  );

  return {
    ready: () => ready,
    served: () => servedTable,
    get passes() {
      return passes;
    },
    get work() {
      return work;
    },
    stopped: async () => {
      await syncing;
      await running;
      await writing;
      await electing;
      await Promise.all(informers.map((inf) => inf.stopped()));
    },
  };
}
