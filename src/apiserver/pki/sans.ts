/** The subject alternative names the API server's serving certificate must carry (pure). */
import { isIP } from "node:net";

/** IP and DNS names a certificate is issued for. */
export interface Sans {
  ips: string[];
  dns: string[];
}

/**
 * The names clients may use to reach a server listening on `host`: the loopback ones always
 * (in-process clients and the kubeconfig use them), the listen host itself, and for a wildcard
 * listen address every address of this machine (`extraIps`), since clients may dial any of them.
 */
export function servingSans(host: string, extraIps: readonly string[] = []): Sans {
  const ips = new Set(["127.0.0.1", "::1"]);
  const dns = new Set(["localhost"]);
  const wildcard = host === "0.0.0.0" || host === "::" || host === "";
  if (wildcard) for (const ip of extraIps) ips.add(ip);
  else if (isIP(host) !== 0) ips.add(host);
  else dns.add(host.toLowerCase());
  return { ips: [...ips], dns: [...dns] };
}

/** The `subjectAltName` extension value for openssl (`IP:…,DNS:…`). */
export function sanExtension(sans: Sans): string {
  return [...sans.ips.map((ip) => `IP:${ip}`), ...sans.dns.map((d) => `DNS:${d}`)].join(",");
}
