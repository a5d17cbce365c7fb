/**
 * The token that names this kdns instance in loop probes. Worker processes of one `kdns dns
 * --workers N` share a port, so a probe one worker sent may come back to another: they derive the
 * same token from their primary's pid, the host name and the port. A lone process uses a random one.
 */
import cluster from "node:cluster";
import { createHash, randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { TOKEN_LENGTH } from "./probe.ts";

/** A token for this instance listening on `port`. */
export function instanceToken(port: number): string {
  if (!cluster.isWorker) return randomBytes(TOKEN_LENGTH).toString("hex").slice(0, TOKEN_LENGTH);
  return createHash("sha256").update(`${hostname()}|${process.ppid}|${port}`).digest("hex").slice(0, TOKEN_LENGTH);
}
