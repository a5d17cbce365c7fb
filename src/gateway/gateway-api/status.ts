/**
 * The statuses kdns writes for the Gateway API kinds (pure), from the attachment picture: a
 * GatewayClass's Accepted; a Gateway's addresses (the gateway address), Accepted and Programmed,
 * and per listener Accepted, Programmed, ResolvedRefs, Conflicted and attachedRoutes; an
 * HTTPRoute's `parents` entries for kdns's Gateways (entries of other controllers are kept).
 * Conditions carry `observedGeneration`, and keep `lastTransitionTime` while their status holds
 * (apimachinery's meta.SetStatusCondition).
 */
import { isIP } from "node:net";
import {
  type GatewayCondition,
  KDNS_GATEWAY_CONTROLLER,
  type ListenerStatus,
  type RouteParentStatus,
} from "../../api/gateway-api-types.ts";
import type { GatewayState, RouteState } from "./attach.ts";
import type { ConditionSpec } from "./listeners.ts";

/** What the status of a Gateway also depends on. */
export interface ProgramContext {
  gatewayAddress: string;
  /** Set when the engine refused the configuration: why. */
  rejected?: string;
  now: Date;
}

/** The conditions `want`, timed from `old`. */
export function timedConditions(
  old: readonly GatewayCondition[] | undefined,
  want: readonly ConditionSpec[],
  generation: number | undefined,
  now: Date,
): GatewayCondition[] {
  return want.map((c) => {
    const before = old?.find((o) => o.type === c.type);
    const lastTransitionTime =
      before !== undefined && before.status === c.status
        ? before.lastTransitionTime
        : now.toISOString().replace(/\.\d+Z$/, "Z");
    return { ...c, lastTransitionTime, ...(generation !== undefined ? { observedGeneration: generation } : {}) };
  });
}

/** Whether two statuses differ in more than their conditions' transition times. */
export function statusChanged(current: unknown, next: unknown): boolean {
  const strip = (v: unknown): string => JSON.stringify(v ?? {}, (k, x) => (k === "lastTransitionTime" ? undefined : x));
  return strip(current) !== strip(next);
}

/** The status of a GatewayClass kdns serves. */
export function gatewayClassStatus(
  old: { conditions?: GatewayCondition[] } | undefined,
  generation: number | undefined,
  now: Date,
): { conditions: GatewayCondition[] } {
  const accepted: ConditionSpec = {
    type: "Accepted",
    status: "True",
    reason: "Accepted",
    message: `Served by ${KDNS_GATEWAY_CONTROLLER}`,
  };
  return { ...old, conditions: timedConditions(old?.conditions, [accepted], generation, now) };
}

function programmed(ok: boolean, reason: string, message: string): ConditionSpec {
  return { type: "Programmed", status: ok ? "True" : "False", reason, message };
}

/** The status of one of kdns's Gateways. */
export function gatewayStatus(state: GatewayState, ctx: ProgramContext): Record<string, unknown> {
  const gw = state.gateway;
  const generation = gw.metadata.generation;
  const old = gw.status;
  const listeners: ListenerStatus[] = state.listeners.map((ls) => {
    const before = old?.listeners?.find((l) => l.name === ls.listener.name)?.conditions;
    const prog =
      ctx.rejected !== undefined
        ? programmed(false, "Invalid", `the gateway refused the configuration: ${ctx.rejected}`)
        : ls.attachable
          ? programmed(true, "Programmed", "Listener programmed")
          : programmed(false, "Invalid", ls.problem ?? "Listener not valid");
    const [accepted, ...rest] = ls.conditions;
    const want = accepted === undefined ? [prog, ...rest] : [accepted, prog, ...rest];
    return {
      name: ls.listener.name,
      supportedKinds: ls.supportedKinds,
      attachedRoutes: state.attached.get(ls.listener.name) ?? 0,
      conditions: timedConditions(before, want, generation, ctx.now),
    };
  });
  const anyProgrammed = state.listeners.some((l) => l.attachable);
  const prog =
    ctx.rejected !== undefined
      ? programmed(false, "Invalid", `the gateway refused the configuration: ${ctx.rejected}`)
      : anyProgrammed
        ? programmed(true, "Programmed", "Gateway programmed")
        : programmed(false, "Invalid", "no listener can be programmed");
  return {
    ...old,
    addresses: [{ type: isIP(ctx.gatewayAddress) !== 0 ? "IPAddress" : "Hostname", value: ctx.gatewayAddress }],
    conditions: timedConditions(old?.conditions, [state.accepted, prog], generation, ctx.now),
    listeners,
  };
}

/** The status of an HTTPRoute: kdns's parents replaced, other controllers' kept. */
export function routeStatus(state: RouteState, now: Date): Record<string, unknown> {
  const route = state.route;
  const old = route.status?.parents ?? [];
  const ours: RouteParentStatus[] = state.parents.map((p) => {
    const before = old.find(
      (o) =>
        o.controllerName === KDNS_GATEWAY_CONTROLLER && JSON.stringify(o.parentRef) === JSON.stringify(p.parentRef),
    );
    return {
      parentRef: p.parentRef,
      controllerName: KDNS_GATEWAY_CONTROLLER,
      conditions: timedConditions(before?.conditions, [p.accepted, p.resolvedRefs], route.metadata.generation, now),
    };
  });
  return { ...route.status, parents: [...old.filter((o) => o.controllerName !== KDNS_GATEWAY_CONTROLLER), ...ours] };
}
