/**
 * Ingress `Prefix` path semantics (kubernetes.io/docs/concepts/services-networking/ingress,
 * "Examples"): matching is by whole path elements, so `/a` matches `/a`, `/a/` and `/a/b` but not
 * `/ab`; a trailing slash in the prefix is ignored. The matched prefix is stripped before
 * proxying, as nginx does for `location /service1/ { proxy_pass http://…/; }` (a proxy_pass
 * with a URI replaces the matched location prefix).
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

/** The backend path for a request path matched by `prefix`: the prefix removed, never empty. */
export function stripPrefix(prefix: string, path: string): string {
  if (prefix === "/") return path;
  const rest = path.slice(prefix.length);
  return rest === "" ? "/" : rest;
}
