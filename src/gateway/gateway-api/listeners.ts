/**
 * What kdns makes of each listener of a Gateway (pure): HTTP and HTTPS listeners map onto the
 * gateway's plain and TLS listeners; other protocols are UnsupportedProtocol; an HTTPS listener's
 * first certificateRef must be a Secret kdns can serve, in the Gateway's namespace or granted by a
 * ReferenceGrant; allowedRoutes kinds other than HTTPRoute are InvalidRouteKinds. The conditions
 * and reasons are the Gateway API spec's (ListenerConditionType / ListenerConditionReason).
 */
import { GATEWAY_API_GROUP, type Gateway, type Listener, type ReferenceGrant } from "../../api/gateway-api-types.ts";
import { referenceAllowed } from "./references.ts";

/** A condition before its timestamps: what a status writer compares. */
export interface ConditionSpec {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
}

/** What kdns decided for one listener. */
export interface ListenerState {
  listener: Listener;
  /** Routes may attach (protocol served, references resolved). */
  attachable: boolean;
  /** `namespace/name` of the Secret an HTTPS listener serves. */
  tlsSecret?: string;
  supportedKinds: { group: string; kind: string }[];
  /** Accepted, ResolvedRefs and Conflicted; Programmed is added by the status writer. */
  conditions: ConditionSpec[];
  /** Why the listener cannot be programmed, when it cannot. */
  problem?: string;
}

/** Why a Secret cannot be served (`undefined` when it can). */
export type SecretProblem = (namespace: string, name: string) => string | undefined;

/** What judging a listener needs besides the listener. */
export interface ListenerContext {
  grants: readonly ReferenceGrant[];
  secretProblem: SecretProblem;
  /** Whether kdns's gateway has a TLS listener (false: `--gateway-tls-listen none`). */
  tlsListener: boolean;
}

const HTTP_ROUTE = { group: GATEWAY_API_GROUP, kind: "HTTPRoute" };

function condition(type: string, ok: boolean, reason: string, message: string): ConditionSpec {
  return { type, status: ok ? "True" : "False", reason, message };
}

function certificate(
  gw: Gateway,
  l: Listener,
  grants: readonly ReferenceGrant[],
  secretProblem: SecretProblem,
): { secret: string } | { reason: string; message: string } {
  const ref = l.tls?.certificateRefs?.[0];
  if (ref === undefined) return { reason: "InvalidCertificateRef", message: "no certificateRefs" };
  const ns = gw.metadata.namespace ?? "default";
  const refNs = ref.namespace ?? ns;
  if ((ref.group ?? "") !== "" || (ref.kind ?? "Secret") !== "Secret")
    return { reason: "InvalidCertificateRef", message: `certificateRef ${ref.kind}/${ref.name} is not a core Secret` };
  const from = { group: GATEWAY_API_GROUP, kind: "Gateway", namespace: ns };
  if (!referenceAllowed(grants, from, { group: "", kind: "Secret", namespace: refNs }, ref.name))
    return {
      reason: "RefNotPermitted",
      message: `no ReferenceGrant in ${refNs} lets Gateways in ${ns} use Secret ${ref.name}`,
    };
  const problem = secretProblem(refNs, ref.name);
  if (problem !== undefined)
    return { reason: "InvalidCertificateRef", message: `Secret ${refNs}/${ref.name}: ${problem}` };
  return { secret: `${refNs}/${ref.name}` };
}

/** Evaluates one listener of `gw`. */
export function evaluateListener(gw: Gateway, l: Listener, ctx: ListenerContext): ListenerState {
  if (l.protocol !== "HTTP" && l.protocol !== "HTTPS") {
    const message = `protocol ${l.protocol} is not served by kdns (HTTP and HTTPS are)`;
    return {
      listener: l,
      attachable: false,
      supportedKinds: [],
      problem: message,
      conditions: [
        condition("Accepted", false, "UnsupportedProtocol", message),
        condition("ResolvedRefs", true, "ResolvedRefs", "No references to resolve"),
        condition("Conflicted", false, "NoConflicts", "No conflicts"),
      ],
    };
  }
  const kinds = l.allowedRoutes?.kinds;
  const supported =
    kinds === undefined
      ? [HTTP_ROUTE]
      : kinds
          .filter((k) => (k.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP && k.kind === "HTTPRoute")
          .map(() => HTTP_ROUTE);
  const badKinds = kinds !== undefined && supported.length < kinds.length;
  let refs = condition("ResolvedRefs", true, "ResolvedRefs", "All references resolved");
  let tlsSecret: string | undefined;
  let problem: string | undefined;
  if (badKinds) {
    problem = "allowedRoutes.kinds names a kind other than HTTPRoute";
    refs = condition("ResolvedRefs", false, "InvalidRouteKinds", problem);
  }
  if (l.protocol === "HTTPS") {
    const cert = certificate(gw, l, ctx.grants, ctx.secretProblem);
    if ("secret" in cert && !ctx.tlsListener)
      problem = "kdns's gateway runs without a TLS listener (--gateway-tls-listen none)";
    else if ("secret" in cert) tlsSecret = cert.secret;
    else {
      problem = cert.message;
      refs = condition("ResolvedRefs", false, cert.reason, cert.message);
    }
  }
  return {
    listener: l,
    // A listener with some bad route kinds still serves the HTTPRoutes it allows.
    attachable: supported.length > 0 && (l.protocol === "HTTP" || tlsSecret !== undefined),
    ...(tlsSecret !== undefined ? { tlsSecret } : {}),
    supportedKinds: supported.slice(0, 1),
    ...(problem !== undefined ? { problem } : {}),
    conditions: [
      condition("Accepted", true, "Accepted", "Listener accepted"),
      refs,
      condition("Conflicted", false, "NoConflicts", "No conflicts"),
    ],
  };
}
