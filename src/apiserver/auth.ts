/**
 * Bearer token authentication against a token file (kube-apiserver's `--token-auth-file`: one
 * token per line, optionally `token,user,uid,"groups"` CSV). Tokens are compared as SHA-256
 * digests with `timingSafeEqual`, so neither the length nor the content leaks through timing.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { ApiError } from "../machinery/status.ts";

/** Checks the `Authorization` header of a request. */
export type Authenticator = (authorization: string | undefined) => boolean;

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Reads the token file; throws with the path when it holds no token. */
export async function loadTokens(path: string): Promise<Buffer[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new Error(`cannot read token file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const tokens = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => (line.split(",")[0] ?? "").trim().replace(/^"|"$/g, ""))
    .filter((t) => t !== "");
  if (tokens.length === 0) throw new Error(`token file ${path} holds no token`);
  return tokens.map(digest);
}

/** An authenticator accepting any of `tokens` (SHA-256 digests). */
export function bearerAuthenticator(tokens: readonly Buffer[]): Authenticator {
  return (authorization) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    const given = digest(m?.[1] ?? "");
    let ok = false;
    // Compare against every token so the time taken does not depend on which one matched.
    for (const t of tokens) if (timingSafeEqual(t, given) && m) ok = true;
    return ok;
  };
}

/** 401 as kube-apiserver sends it. */
export function unauthorized(): ApiError {
  return new ApiError(401, "Unauthorized", "Unauthorized");
}

/** Paths served without a token, as kube-apiserver's system:public-info-viewer allows. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(["/healthz", "/livez", "/readyz", "/version"]);
