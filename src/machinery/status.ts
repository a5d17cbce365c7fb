/**
 * Kubernetes `Status` objects and the one exception type that carries them across the API
 * boundary, as the Kubernetes API conventions describe them ("Response Status Kind").
 */

/** One field-level reason an object was rejected, as in `details.causes[]`. */
export interface StatusCause {
  field: string;
  message: string;
  /** Kubernetes cause type, e.g. `FieldValueInvalid`, `FieldValueRequired`. */
  reason?: string;
}

/** Standard `Status` reasons (metav1.StatusReason) that kdns emits. */
export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Invalid"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "InternalError"
  | "ServiceUnavailable"
  | "Expired"
  | "Timeout"
  | "TooManyRequests";

/** The wire shape of a `v1 Status`. */
export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message: string;
  reason?: StatusReason;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] };
  code: number;
}

/** What a `Status` names: the object's name and its kind/group as the API calls them. */
export interface StatusTarget {
  name?: string;
  group?: string;
  /** The resource (plural, e.g. "services"), as Kubernetes puts it in `details.kind`. */
  kind?: string;
}

/** An API failure that becomes a `Status` response; thrown inside the API server only. */
export class ApiError extends Error {
  readonly status: Status;
  constructor(code: number, reason: StatusReason, message: string, details?: Status["details"]) {
    super(message);
    this.name = "ApiError";
    this.status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    };
  }
  /** The HTTP status code. */
  get code(): number {
    return this.status.code;
  }
}

function qualified(target: StatusTarget): string {
  const kind = target.kind ?? "object";
  return target.group ? `${kind}.${target.group}` : kind;
}

function details(target: StatusTarget, causes?: StatusCause[]): Status["details"] {
  return {
    ...(target.name !== undefined ? { name: target.name } : {}),
    ...(target.group !== undefined ? { group: target.group } : {}),
    ...(target.kind !== undefined ? { kind: target.kind } : {}),
    ...(causes ? { causes } : {}),
  };
}

/** 404: the named object does not exist (message as kube-apiserver words it). */
export function notFound(target: StatusTarget): ApiError {
  return new ApiError(404, "NotFound", `${qualified(target)} "${target.name ?? ""}" not found`, details(target));
}

/** 409 AlreadyExists: create of a name that is taken. */
export function alreadyExists(target: StatusTarget): ApiError {
  return new ApiError(
    409,
    "AlreadyExists",
    `${qualified(target)} "${target.name ?? ""}" already exists`,
    details(target),
  );
}

/** 409 Conflict: an update that carried a stale resourceVersion. */
export function conflict(target: StatusTarget, why: string): ApiError {
  return new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(target)} "${target.name ?? ""}": ${why}`,
    details(target),
  );
}

/** 422 Invalid with one cause per bad field. */
export function invalid(target: StatusTarget & { objectKind?: string }, causes: StatusCause[]): ApiError {
  const each = causes.map((c) => `${c.field}: ${c.message}`);
  // apimachinery's aggregate error: one message alone, several in brackets.
  const list = each.length === 1 ? each[0] : `[${each.join(", ")}]`;
  const kindName = target.objectKind ?? target.kind ?? "object";
  return new ApiError(
    422,
    "Invalid",
    `${kindName} "${target.name ?? ""}" is invalid: ${list}`,
    details(target, causes),
  );
}

/** 400: the request itself is malformed. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

/** 410: the requested resourceVersion (watch start or continue token) is older than the kept history. */
export function gone(message: string): ApiError {
  return new ApiError(410, "Expired", message);
}

/** 500: a fault inside kdns; the message is safe to show. */
export function internalError(message: string): ApiError {
  return new ApiError(500, "InternalError", `Internal error occurred: ${message}`);
}
