/**
 * Hostname intersection of Gateway API (HTTPRoute `spec.hostnames`, Listener `hostname`): a route
 * attaches to a listener for the names both accept. `*.example.com` covers one or more labels in
 * front of `example.com` but not `example.com` itself; a missing hostname accepts every name.
 */

/** Whether wildcard `*.suffix` covers `name` (exact, or a narrower wildcard). */
function covers(wildcard: string, name: string): boolean {
  const suffix = wildcard.slice(1); // ".example.com"
  const bare = name.startsWith("*.") ? name.slice(1) : name;
  return bare.endsWith(suffix) && bare.length > suffix.length;
}

/** The names in both a listener's hostname and one route hostname, or undefined when none. */
export function intersectHostname(listener: string | undefined, route: string): string | undefined {
  if (listener === undefined || listener === "" || listener === route) return route;
  if (listener.startsWith("*.") && covers(listener, route)) return route;
  if (route.startsWith("*.") && covers(route, listener)) return listener;
  return undefined;
}

/**
 * The hosts a route serves through a listener: its hostnames intersected with the listener's,
 * duplicates dropped, in the route's order. No hostnames on either side is the catch-all `*`.
 */
export function routeHostsOnListener(listener: string | undefined, route: readonly string[]): string[] {
  if (route.length === 0) return [listener !== undefined && listener !== "" ? listener : "*"];
  const out: string[] = [];
  for (const h of route) {
    const both = intersectHostname(listener, h);
    if (both !== undefined && !out.includes(both)) out.push(both);
  }
  return out;
}

/** Whether `name` (a request host) is served by `host` (exact, `*.suffix`, or `*`). */
export function hostCovers(host: string, name: string): boolean {
  return host === "*" || host === name || (host.startsWith("*.") && covers(host, name));
}
