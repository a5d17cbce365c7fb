/**
 * DNSRecord defaults: a lower-case host, a path named after its Service when none is given, and
 * HTTP redirected to HTTPS when the record has TLS.
 */
import type { KubeObject } from "../types.ts";
import { isRecord } from "../validation/guards.ts";

/**
 * Defaults a DNSRecord in place; never throws. Host names compare case-insensitively (RFC 4343),
 * so the stored form is lower case and validation can demand it. A path left out becomes
 * `/<service>`, as in the flat `kind: DNS` form (docs/flat-dns-form.md). A record with
 * `spec.tls` redirects plain HTTP unless it says `httpRedirect: false`: a host that has HTTPS
 * should not keep serving the same content in clear text by accident.
 */
export function defaultDNSRecord(obj: KubeObject): void {
  const spec = obj.spec;
  if (!isRecord(spec)) return;
  if (typeof spec["host"] === "string") spec["host"] = spec["host"].toLowerCase();
  const tls = spec["tls"];
  if (isRecord(tls) && (tls["httpRedirect"] === undefined || tls["httpRedirect"] === null)) tls["httpRedirect"] = true;
  if (!Array.isArray(spec["paths"])) return;
  for (const p of spec["paths"] as unknown[]) {
    if (!isRecord(p)) continue;
    const service = p["service"];
    if ((p["path"] === undefined || p["path"] === "") && typeof service === "string" && service !== "")
      p["path"] = `/${service}`;
  }
}
