/**
 * What one client connection may take from the gateway, named after the nginx directives that set
 * it. Defined once: the nginx renderer writes these values and the built-in engine enforces the
 * same ones, so a slow or oversized client gets the same answer from either engine.
 */

/** Timeouts and head sizes for client connections. */
export interface ClientLimits {
  /**
   * `client_header_timeout`: a request head must be complete this long after it began (for a new
   * connection: after the accept), however the bytes trickle in; else the connection is closed
   * without an answer.
   */
  headerTimeoutMs: number;
  /**
   * `client_body_timeout`: the longest pause between two reads of a request body; after it the
   * connection (and the backend connection carrying the body) is closed without an answer.
   */
  bodyTimeoutMs: number;
  /** `keepalive_timeout`: an idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** `keepalive_requests`: requests one connection carries; the last response says `Connection: close`. */
  keepAliveRequests: number;
  /**
   * `large_client_header_buffers` (number): the whole head may take this many buffers of
   * {@link headerBufferBytes}; a larger head is 400.
   */
  headerBuffers: number;
  /**
   * `large_client_header_buffers` (size): the request line, CRLF included, may be this long (else
   * 414), and so may each header field line (else 400).
   */
  headerBufferBytes: number;
}

/** nginx's defaults, which kdns keeps. */
export const DEFAULT_CLIENT_LIMITS: Readonly<ClientLimits> = {
  headerTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
  keepAliveTimeoutMs: 75_000,
  keepAliveRequests: 1000,
  headerBuffers: 4,
  headerBufferBytes: 8 * 1024,
};

/**
 * Header fields one request may have: nginx 1.22 as Debian builds it answers a head with more
 * lines 400 ("client sent too many header lines"), with no directive to change it.
 */
export const MAX_HEADER_FIELDS = 1000;

/** The defaults with `overrides` applied; throws on a value that is not a positive integer. */
export function clientLimits(overrides: Partial<ClientLimits> = {}): ClientLimits {
  const limits = { ...DEFAULT_CLIENT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits))
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new Error(`client limit ${name} must be a positive integer, got ${String(value)}`);
  return limits;
}
