/**
 * The opaque `continue` token of a paged list: the revision the first page was read at and the
 * last key returned, so every page reads the same snapshot (kube-apiserver's etcd3 token holds
 * the same two things).
 */
import { badRequest } from "../machinery/status.ts";

/** What a continue token holds. */
export interface ContinueState {
  revision: number;
  /** The key of the last item returned; the next page starts after it. */
  startAfter: string;
}

/** Encodes a token. */
export function encodeContinue(state: ContinueState): string {
  return Buffer.from(JSON.stringify({ v: 1, rv: state.revision, start: state.startAfter })).toString("base64url");
}

/** Decodes a token; 400 when it is not one of ours. */
export function decodeContinue(token: string): ContinueState {
  try {
    const data = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      v?: unknown;
      rv?: unknown;
      start?: unknown;
    };
    if (
      data.v === 1 &&
      typeof data.rv === "number" &&
      Number.isSafeInteger(data.rv) &&
      data.rv > 0 &&
      typeof data.start === "string"
    ) {
      return { revision: data.rv, startAfter: data.start };
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest(`invalid continue token: "${token}"`);
}
