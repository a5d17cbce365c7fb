/**
 * The change both gateway benchmarks time: a merge-patch moving DNSRecord `default/bench`'s path
 * `/` to the other of two backends, timed from sending the write until the gateway serves the new
 * backend on a fresh connection.
 */
import { resourceByPath } from "../../src/api/resources.ts";
import type { RestClient } from "../../src/client/rest-client.ts";
import { get } from "./http.ts";

const DNSRECORDS = resourceByPath("kdns.dev", "dnsrecords")!;

/** A backend of the switch: its address and what it answers with. */
export interface SwitchBackend {
  ip: string;
  mark: string;
}

/** Switches the record back and forth between two backends on `port`. */
export class RecordSwitch {
  #current = 0;
  readonly #client: RestClient;
  readonly #host: string;
  readonly #backends: readonly [SwitchBackend, SwitchBackend];
  readonly #port: number;

  constructor(client: RestClient, host: string, backends: readonly [SwitchBackend, SwitchBackend], port: number) {
    this.#client = client;
    this.#host = host;
    this.#backends = backends;
    this.#port = port;
  }

  /**
   * Moves the record to the other backend; ms until `url` served it. Timed until the first response
   * from the new backend; then, untimed, until 20 fresh connections in a row get it: an nginx worker
   * of the configuration before still taking connections would answer the next change (back to its
   * backend) at once, and time it as live before it is.
   */
  async once(url: string): Promise<number> {
    this.#current = 1 - this.#current;
    const want = this.#backends[this.#current]!;
    const t0 = performance.now();
    await this.#client.patch(DNSRECORDS, "default", "bench", {
      spec: { paths: [{ path: "/", address: want.ip, port: this.#port }] },
    });
    const serves = async (): Promise<boolean> => {
      try {
        const r = await get(url, this.#host);
        return r.status === 200 && r.body.startsWith(want.mark);
      } catch {
        return false; // a connection refused/reset during a switch is retried; the wrk runs count failures
      }
    };
    let live: number | undefined;
    for (let streak = 0; streak < 20; ) {
      if (performance.now() - t0 > 10_000) throw new Error(`${url} never served backend ${want.mark} steadily`);
      if (await serves()) {
        live ??= performance.now() - t0;
        streak++;
      } else streak = 0;
    }
    return live ?? Number.NaN;
  }
}
