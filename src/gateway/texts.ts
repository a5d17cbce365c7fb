/**
 * Response texts both engines send for the statuses they make up themselves, so the shared
 * conformance suite can compare bodies as well as codes.
 */
export const TEXT = {
  /** 404: the Host header names no host of any route. */
  noHost: "kdns gateway: no route serves this host",
  /** 404: the host is known but no prefix matches the path. */
  noPath: "kdns gateway: no path of this host matches",
  /** 503: the matched route has no ready backend. */
  unavailable: (reason: string): string => `kdns gateway: no ready backend: ${reason}`,
  /** 500: the matched route has no backend taking traffic (Gateway API), or cannot be served. */
  routeError: (reason: string): string => `kdns gateway: this route cannot be served: ${reason}`,
  /** 308: plain HTTP to a host served over HTTPS. */
  redirect: (location: string): string => `kdns gateway: redirected to ${location}`,
} as const;
