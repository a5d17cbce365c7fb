/**
 * The query log, one line per answered query in the format of CoreDNS's `log` plugin, which the
 * Kubernetes DNS debugging guide has operators turn on:
 * `[INFO] 127.0.0.1:40212 - 4242 "A IN web.shop.svc.cluster.local. udp 44 false 512" NOERROR qr,aa,rd 98 0.000123s`.
 * Off unless asked for; with a sample N only every Nth query is written, and the ones skipped
 * cost one counter step.
 */
import { formatHostPort } from "../machinery/host-port.ts";
import type { QueryObserver } from "./server/handler.ts";
import { CLASSIC_UDP_PAYLOAD } from "./wire/constants.ts";
import { rcodeName, typeName } from "./wire/names.ts";
import { parseQuery } from "./wire/query.ts";

const CLASS_NAMES: Record<number, string> = { 1: "IN", 3: "CH", 4: "HS", 254: "NONE", 255: "ANY" };
/** Header flag bits in the order the log writes them. */
const FLAGS: [string, number, number][] = [
  ["qr", 2, 0x80],
  ["aa", 2, 0x04],
  ["tc", 2, 0x02],
  ["rd", 2, 0x01],
  ["ra", 3, 0x80],
  ["ad", 3, 0x20],
  ["cd", 3, 0x10],
];

/** The log line for one answered query (pure). */
export function queryLogLine(
  udp: boolean,
  clientAddress: string,
  clientPort: number,
  request: Buffer,
  response: Buffer,
  seconds: number,
): string {
  const query = parseQuery(request);
  const id = request.readUInt16BE(0);
  const question =
    query.type === "query"
      ? `${typeName(query.qtype)} ${CLASS_NAMES[query.qclass] ?? `CLASS${query.qclass}`} ${query.name === "" ? "" : query.name}.`
      : "- - -";
  const edns = query.type === "drop" ? undefined : query.edns;
  const bufsize = edns ? edns.udpSize : CLASSIC_UDP_PAYLOAD;
  const rcode = response[3]! & 0x0f;
  const flags = FLAGS.filter(([, byte, bit]) => (response[byte]! & bit) !== 0).map(([name]) => name);
  const client = formatHostPort({ host: clientAddress, port: clientPort });
  return `[INFO] ${client} - ${id} "${question} ${udp ? "udp" : "tcp"} ${request.length} ${edns?.dnssecOk ?? false} ${bufsize}" ${rcodeName(rcode)} ${flags.join(",")} ${response.length} ${seconds.toFixed(9).replace(/0+$/, "").replace(/\.$/, ".0")}s`;
}

/** Writes every `sample`th answered query's line to `write`. */
export class QueryLog implements QueryObserver {
  readonly #every: number;
  readonly #write: (line: string) => void;
  #seen = 0;

  constructor(sample: number, write: (line: string) => void) {
    if (!Number.isInteger(sample) || sample < 1) throw new Error(`query log sample must be 1 or more, got ${sample}`);
    this.#every = sample;
    this.#write = write;
  }

  observe(
    udp: boolean,
    clientAddress: string,
    clientPort: number,
    _qtype: number,
    _dnssecOk: boolean,
    _plugin: number,
    request: Buffer,
    response: Buffer,
    seconds: number,
  ): void {
    if (++this.#seen < this.#every) return;
    this.#seen = 0;
    this.#write(queryLogLine(udp, clientAddress, clientPort, request, response, seconds));
  }
}
