/** Starting `kdns gateway` (either engine) for the benchmark, against a `kdns apiserver`. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Child, startPinned } from "../support/proc.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const kdns = join(root, "src/bin/kdns.js");

/**
 * `kdns gateway --gateway <engine>` on 127.0.0.1:`port` (and HTTPS on 127.0.0.1:`tlsPort` when
 * given), pinned to `cpu` (nginx inherits the pinning); the nginx engine runs the `nginx` binary.
 */
export function startKdnsGateway(
  cpu: number,
  engine: "builtin" | "nginx",
  apiUrl: string,
  port: number,
  dataDir: string,
  nginx: string,
  tlsPort?: number,
): Child {
  return startPinned(cpu, process.execPath, [
    kdns,
    "gateway",
    "--server",
    apiUrl,
    "--gateway",
    engine,
    "--gateway-listen",
    `127.0.0.1:${port}`,
    "--gateway-tls-listen",
    tlsPort !== undefined ? `127.0.0.1:${tlsPort}` : "none",
    "--data-dir",
    dataDir,
    // Two gateways run at once: each takes a free port for /healthz and /metrics.
    "--health-listen",
    "127.0.0.1:0",
    ...(engine === "nginx" ? ["--nginx", nginx] : []),
  ]);
}
