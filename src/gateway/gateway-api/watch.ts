/**
 * The Gateway API part of the gateway controller: informers on GatewayClasses, Gateways,
 * HTTPRoutes, ReferenceGrants and Namespaces (for `allowedRoutes` selectors), the attachment
 * picture computed from them on each pass, and the status writes. The controller owns the pass:
 * it asks {@link GatewayApiWatch.attach} for the picture, builds its route table with the
 * HTTPRoutes' sources, applies it, then calls {@link GatewayApiWatch.writeStatuses}.
 *
 * A status write comes back as an update event; only a change of generation (the spec), labels
 * or existence schedules a pass, so writes do not loop.
 *
 * A pass costs what changed: a route keeps its attachment state while it is the same object and
 * no GatewayClass, Gateway, ReferenceGrant or Namespace changed (nor a Service or Secret: the
 * controller calls {@link GatewayApiWatch.invalidate}), and a route state whose status was found
 * current (or written) is not compared again.
 */
import type { Gateway, GatewayClass, HTTPRoute, ReferenceGrant } from "../../api/gateway-api-types.ts";
import { type ResourceInfo, resourceByPath } from "../../api/resources.ts";
import type { KubeObject, Namespace } from "../../api/types.ts";
import type { Informer, InformerOptions } from "../../client/informer.ts";
import { ClientError, type RestClient } from "../../client/rest-client.ts";
import { SharedInformers } from "../../client/shared-informers.ts";
import { logger } from "../../machinery/log.ts";
import { type Attachments, attachRoutes, countAttachedRoutes, type RouteState } from "./attach.ts";
import type { SecretProblem } from "./listeners.ts";
import { gatewayClassStatus, gatewayStatus, type ProgramContext, routeStatus, statusChanged } from "./status.ts";

const GROUP = "gateway.networking.k8s.io";

/** What the Gateway API part needs from the rest of the controller. */
export interface GatewayApiWatchOptions {
  client: RestClient;
  /** Share list + watch with the process's other components (`kdns up`); default: its own. */
  informers?: SharedInformers;
  /** Schedules a pass. */
  changed(): void;
  serviceExists(namespace: string, name: string): boolean;
  secretProblem: SecretProblem;
  /** Whether the engine has a TLS listener. */
  tlsListener: boolean;
  /** Where the informers show in `kdns_informer_*`, as the controller's own do. */
  metrics?: InformerOptions<KubeObject>["metrics"];
}

/** The running Gateway API part. */
export interface GatewayApiWatch {
  /** Every informer, for the controller's sync and stop. */
  readonly informers: readonly Informer<KubeObject>[];
  /** The HTTPRoute and Gateway informers, for the controller's indexes (register them before start). */
  readonly routes: Informer<HTTPRoute>;
  readonly gateways: Informer<Gateway>;
  /** The attachment picture from the caches now. */
  attach(): Attachments;
  /**
   * Something route attachment reads besides routes changed (a Service appeared or went, a
   * Secret changed): the next {@link attach} recomputes every route.
   */
  invalidate(): void;
  /** Routes attached afresh by the last {@link attach} (tests check a pass costs what changed). */
  readonly attached: number;
  /** Writes the statuses that differ; resolves false when a write failed (retry later). */
  writeStatuses(attachments: Attachments, ctx: Omit<ProgramContext, "now">): Promise<boolean>;
}

function info(plural: string, group = GROUP): ResourceInfo {
  const found = resourceByPath(group, plural);
  if (!found) throw new Error(`resource ${plural} is not in the resource table`);
  return found;
}

/** Whether an update matters to routing: the spec (generation), labels, or a different object. */
function specChanged(a: KubeObject, b: KubeObject): boolean {
  return (
    a.metadata.generation !== b.metadata.generation ||
    a.metadata.uid !== b.metadata.uid ||
    JSON.stringify(a.metadata.labels) !== JSON.stringify(b.metadata.labels)
  );
}

/** Creates the informers and hooks them to `options.changed`; the controller starts them. */
export function gatewayApiWatch(options: GatewayApiWatchOptions): GatewayApiWatch {
  const log = logger("gateway");
  const { client } = options;
  const classInfo = info("gatewayclasses");
  const gatewayInfo = info("gateways");
  const routeInfo = info("httproutes");
  const measured = options.metrics ? { metrics: options.metrics } : {};
  const shared = options.informers ?? new SharedInformers(client);
  const classes = shared.informer<GatewayClass>(classInfo, measured);
  const gateways = shared.informer<Gateway>(gatewayInfo, measured);
  const routes = shared.informer<HTTPRoute>(routeInfo, measured);
  const grants = shared.informer<ReferenceGrant>(info("referencegrants"), measured);
  const namespaces = shared.informer<Namespace>(info("namespaces", ""), measured);
  const all = [classes, gateways, routes, grants, namespaces] as unknown as Informer<KubeObject>[];
  /** Route states by route object, while what else attachment reads holds. */
  let cache = new WeakMap<HTTPRoute, RouteState>();
  /** Route states whose status was current, or written, since they were computed. */
  const settled = new WeakSet<RouteState>();
  let fresh = 0;
  for (const inf of all) {
    // A change to anything but a route may change every route's attachment.
    const changed =
      inf === all[2]
        ? options.changed
        : () => {
            cache = new WeakMap();
            options.changed();
          };
    inf.on("add", changed);
    inf.on("delete", changed);
    // A ReferenceGrant has no generation (no status): every update of one matters.
    const always = inf === all[3];
    inf.on("update", (a, b) => {
      if (always || specChanged(a, b)) changed();
      else if (inf === all[2]) carry(a as HTTPRoute, b as HTTPRoute);
    });
  }

  /** A route's status changed (kdns's own write, most often): its new object keeps what was attached. */
  function carry(before: HTTPRoute, after: HTTPRoute): void {
    const state = cache.get(before);
    if (state !== undefined) cache.set(after, { ...state, route: after });
  }

  async function write(resource: ResourceInfo, obj: KubeObject, status: unknown): Promise<boolean> {
    if (!statusChanged(obj["status"], status)) return true;
    try {
      await client.patch(
        resource,
        obj.metadata.namespace,
        obj.metadata.name ?? "",
        { status },
        "application/merge-patch+json",
        "status",
      );
      return true;
    } catch (err) {
      if (err instanceof ClientError && err.code === 404) return true;
      log.warn({ kind: resource.kind, name: obj.metadata.name, err: String(err) }, "status write failed; will retry");
      return false;
    }
  }

  return {
    informers: all,
    routes,
    gateways,
    attach: () => {
      const attachments = attachRoutes(
        {
          classes: classes.list(),
          gateways: gateways.list(),
          routes: routes.list(),
          grants: grants.list(),
          namespaceLabels: (ns) => {
            const found = namespaces.get(undefined, ns);
            return found === undefined ? undefined : (found.metadata.labels ?? {});
          },
          serviceExists: options.serviceExists,
          secretProblem: options.secretProblem,
          tlsListener: options.tlsListener,
        },
        cache,
      );
      fresh = attachments.fresh;
      return attachments;
    },
    invalidate: () => {
      cache = new WeakMap();
    },
    get attached() {
      return fresh;
    },
    writeStatuses: async (attachments, ctx) => {
      const now = new Date();
      let ok = true;
      for (const name of attachments.classes) {
        const gc = classes.get(undefined, name);
        if (gc) ok = (await write(classInfo, gc, gatewayClassStatus(gc.status, gc.metadata.generation, now))) && ok;
      }
      countAttachedRoutes(attachments);
      for (const gw of attachments.gateways)
        ok = (await write(gatewayInfo, gw.gateway, gatewayStatus(gw, { ...ctx, now }))) && ok;
      for (const r of attachments.routes) {
        if (settled.has(r)) continue;
        if (
          r.parents.length === 0 &&
          !(r.route.status?.parents ?? []).some((p) => p.controllerName === "kdns.dev/gateway")
        ) {
          settled.add(r);
          continue;
        }
        const written = await write(routeInfo, r.route, routeStatus(r, now));
        if (written) settled.add(r);
        ok = written && ok;
      }
      return ok;
    },
  };
}
