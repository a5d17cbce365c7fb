/**
 * SkyDNS key layout, as CoreDNS's etcd plugin reads it (plugin/etcd/msg/path.go): the name's
 * labels reversed under the prefix, so `node1.com` under `/dns` is `/dns/com/node1`, and the value
 * `{"host":"<ip>"}` answers A (or AAAA).
 */

/** The etcd key of `host` under `prefix`. */
export function skydnsKey(prefix: string, host: string): string {
  const base = prefix.replace(/\/+$/, "");
  return `${base}/${host.replace(/\.$/, "").split(".").reverse().join("/")}`;
}

/** The value that makes `host` resolve to `ip`. */
export function skydnsValue(ip: string): string {
  return JSON.stringify({ host: ip });
}

/** Desired keys and values for the served hosts. */
export function desiredSkydns(prefix: string, hosts: readonly string[], ip: string): Map<string, string> {
  const value = skydnsValue(ip);
  return new Map(hosts.map((h) => [skydnsKey(prefix, h), value]));
}
