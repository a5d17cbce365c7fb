/** The labels every CoreDNS-named family carries, shared by the server and its plugins. */

/**
 * `server` as CoreDNS writes it (`dns://127.0.0.1:1053`) and the `view` (kdns has none: empty).
 * One object for the whole server, read at each scrape, so the port bound after the families were
 * made still shows in all of them.
 */
export interface DnsServerLabels {
  server: string;
  view: string;
}
