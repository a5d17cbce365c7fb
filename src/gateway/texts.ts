/**
 * Response texts both engines send for the statuses they make up themselves, so the shared
 * conformance suite can compare bodies as well as codes.
 */
export const TEXT = {
  /** 404: the Host header names no DNSRecord host. */
  noHost: "kdns gateway: no DNSRecord serves this host",
  /** 404: the host is known but no prefix matches the path. */
  noPath: "kdns gateway: no path of this host matches",
  /** 503: the matched route has no ready backend. */
  unavailable: (reason: string): string => `kdns gateway: no ready backend: ${reason}`,
  /** 308: plain HTTP to a host served over HTTPS. */
  redirect: (location: string): string => `kdns gateway: this host is served over HTTPS: ${location}`,
} as const;
