/**
 * Ingress `Prefix` path semantics (kubernetes.io/docs/concepts/services-networking/ingress,
 * "Examples"): matching is by whole path elements, so `/a` matches `/a`, `/a/` and `/a/b` but not
 * `/ab`; a trailing slash in the prefix is ignored. Gateway API's PathPrefix matches the same way.
 * What happens to the matched prefix is a route's filter (rewrite.ts).
 */

/** The canonical form of a prefix: trailing slashes removed, except for `/` itself. */
export function normalizePrefix(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

/** Whether a normalised `prefix` matches the request path (query string already removed). */
export function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === "/") return true;
  if (!path.startsWith(prefix)) return false;
  return path.length === prefix.length || path.charCodeAt(prefix.length) === 47; // "/"
}
