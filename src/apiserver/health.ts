/**
 * `/healthz`, `/livez`, `/readyz` (plain text, kube-apiserver's format) and `/version`
 * (version.Info).
 */
import type { ServerResponse } from "node:http";
import type { Storage } from "../storage/storage.ts";

/** A named readiness check. */
export interface ReadyCheck {
  name: string;
  check: () => boolean;
  /** What a failing check waits for, shown by `/readyz?verbose` (e.g. the informers still listing). */
  detail?: () => string;
}

/** The Kubernetes version kdns speaks. */
export const KUBE_VERSION = { major: "1", minor: "32", gitVersion: "v1.32.0-kdns" } as const;

/** `GET /version`. */
export function versionInfo(): Record<string, string> {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  return {
    ...KUBE_VERSION,
    gitCommit: "",
    gitTreeState: "clean",
    buildDate: "1970-01-01T00:00:00Z",
    goVersion: `node${process.versions.node}`,
    compiler: "node",
    platform: `${process.platform}/${arch}`,
  };
}

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, {
    "content-type": "text/plain; charset=utf-8",
    "x-content-type-options": "nosniff",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Liveness: the process serves requests. */
export function serveLive(res: ServerResponse): void {
  sendText(res, 200, "ok");
}

/** Readiness: storage reachable and every registered check true; `verbose` lists each check. */
export async function serveReady(
  res: ServerResponse,
  storage: Storage,
  checks: readonly ReadyCheck[],
  verbose: boolean,
): Promise<void> {
  const results: { name: string; ok: boolean; detail?: string }[] = [{ name: "ping", ok: true }];
  let storageOk = false;
  try {
    storageOk = await storage.healthy();
  } catch {
    storageOk = false;
  }
  results.push({ name: "storage", ok: storageOk });
  for (const c of checks) {
    let ok = false;
    try {
      ok = c.check();
    } catch {
      ok = false;
    }
    const detail = !ok && verbose ? c.detail?.() : undefined;
    results.push({ name: c.name, ok, ...(detail ? { detail } : {}) });
  }
  const failed = results.some((r) => !r.ok);
  if (!failed && !verbose) return sendText(res, 200, "ok");
  const lines = results.map((r) =>
    r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.detail ? r.detail : "reason withheld"}`,
  );
  lines.push(failed ? "readyz check failed" : "readyz check passed");
  sendText(res, failed ? 503 : 200, `${lines.join("\n")}\n`);
}
