/** The client's own version, from package.json. */
import { readFileSync } from "node:fs";

/** The kdns version (package.json `version`). */
export function clientVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

/** The User-Agent kdns's commands send: `kdns/VERSION (OS/ARCH)`, as kubectl's is built. */
export function kdnsUserAgent(): string {
  return `kdns/${clientVersion()} (${process.platform}/${process.arch})`;
}
