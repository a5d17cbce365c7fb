/** Writing JSON responses and turning any thrown error into a Kubernetes `Status`. */
import type { ServerResponse } from "node:http";
import { logger } from "../machinery/log.ts";
import { ApiError, internalError, type Status } from "../machinery/status.ts";
import { CompactedError, StorageUnavailableError } from "../storage/storage.ts";

const log = logger("apiserver");

/** Sends `body` as JSON with `code`; `pretty` indents it (the `pretty` query parameter). */
export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
  pretty = false,
): void {
  sendJsonText(res, code, pretty ? `${JSON.stringify(body, null, 2)}\n` : JSON.stringify(body), headers);
}

/** Sends JSON already serialized. */
export function sendJsonText(
  res: ServerResponse,
  code: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The `Status` for any error: an {@link ApiError} as it is, storage outages as 503, a too-old
 * revision as 410, anything else as a 500 whose message leaks nothing (the cause is logged).
 */
export function statusOf(err: unknown): Status {
  if (err instanceof ApiError) return err.status;
  if (err instanceof StorageUnavailableError) {
    return new ApiError(503, "ServiceUnavailable", `storage is unavailable: ${err.message}`).status;
  }
  if (err instanceof CompactedError) {
    return new ApiError(410, "Expired", `too old resource version: ${err.message}`).status;
  }
  log.error({ err }, "unexpected error serving a request");
  return internalError("unexpected server error").status;
}

/** The HTTP code {@link statusOf} gives `err`, without building the `Status` or logging. */
export function codeOf(err: unknown): number {
  if (err instanceof ApiError) return err.code;
  if (err instanceof StorageUnavailableError) return 503;
  if (err instanceof CompactedError) return 410;
  return 500;
}

/** Sends the `Status` of `err`, unless the response has already begun. */
export function sendError(res: ServerResponse, err: unknown, headers: Record<string, string> = {}): void {
  const status = statusOf(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status.code, status, headers);
}

/** 405, as kube-apiserver words it. */
export function methodNotAllowed(): ApiError {
  return new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

/** 404 for a path that names nothing. */
export function pathNotFound(): ApiError {
  return new ApiError(404, "NotFound", "the server could not find the requested resource");
}
