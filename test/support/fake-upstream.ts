/**
 * A loopback DNS server that stands in for the upstream resolver in every test and benchmark
 * (tests never reach a real resolver). It answers UDP and TCP on one free port from a table the
 * test changes at run time, and can misbehave on purpose: time out, answer with a wrong ID or
 * question, truncate over UDP, delay.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import * as dnsPacket from "dns-packet";

/** A record to answer with; `name` defaults to the question's name (in the client's case). */
export interface FakeRecord {
  name?: string;
  type: dnsPacket.RecordType;
  ttl: number;
  data: unknown;
}

/** The SOA of a negative answer (RFC 2308): its TTL and MINIMUM field, owned by `zone`. */
export interface FakeSoa {
  zone?: string;
  ttl?: number;
  minimum: number;
}

/** How the fake upstream answers one name and type. */
export type FakeBehaviour =
  | {
      type: "answer";
      answers?: FakeRecord[];
      authorities?: FakeRecord[];
      additionals?: FakeRecord[];
      /** Send TC with no records over UDP (a client must retry over TCP, which gets the full answer). */
      truncateUdp?: boolean;
      delayMs?: number;
    }
  /** NXDOMAIN with an SOA in the authority section. */
  | { type: "nxdomain"; soa?: FakeSoa; delayMs?: number }
  /** NOERROR, no answer, SOA in authority (NODATA). */
  | { type: "nodata"; soa?: FakeSoa; delayMs?: number }
  | { type: "servfail"; delayMs?: number }
  /** REFUSED. */
  | { type: "refused"; delayMs?: number }
  /** Never answer. */
  | { type: "timeout" }
  /** Answer with an ID off by one, then (if given) answer properly as `then` says. */
  | { type: "wrong-id"; then?: FakeBehaviour }
  /** Answer for another question (same ID), then (if given) answer properly as `then` says. */
  | { type: "wrong-question"; then?: FakeBehaviour }
  | { type: "delay"; ms: number; then: FakeBehaviour };

/** One question the fake upstream received. */
export interface ParsedQuestion {
  id: number;
  /** As sent (case kept). */
  name: string;
  type: string;
  class: string;
  transport: "udp" | "tcp";
  /** Whether the query carried an OPT record, and its DO bit. */
  edns: boolean;
  dnssecOk: boolean;
}

/** A running fake upstream. */
export interface FakeUpstream {
  host: string;
  port: number;
  /** Every question received, in order of arrival. */
  readonly queries: ParsedQuestion[];
  /** Sets how `name` (case-insensitive) and `type` are answered from now on. */
  set(name: string, type: dnsPacket.RecordType | string, behaviour: FakeBehaviour): void;
  /** Sets the answer for questions not in the table (default NXDOMAIN, SOA minimum 60). */
  setDefault(behaviour: FakeBehaviour): void;
  /** How many received questions match `name` (case-insensitive) and, if given, `type`. */
  count(name: string, type?: string): number;
  close(): Promise<void>;
}

/** Options of {@link startFakeUpstream}. */
export interface FakeUpstreamOptions {
  /** Loopback address to listen on (default 127.0.0.1; "::1" works too). */
  host?: string;
}

const key = (name: string, type: string): string => `${name.toLowerCase().replace(/\.$/, "")}|${type.toUpperCase()}`;

function toAnswer(r: FakeRecord, qname: string): dnsPacket.Answer {
  return { name: r.name ?? qname, type: r.type, ttl: r.ttl, class: "IN", data: r.data } as dnsPacket.Answer;
}

function soaRecord(soa: FakeSoa | undefined): dnsPacket.Answer {
  const zone = soa?.zone ?? ".";
  const minimum = soa?.minimum ?? 60;
  return {
    name: zone,
    type: "SOA",
    class: "IN",
    ttl: soa?.ttl ?? 3600,
    data: {
      mname: "ns.fake.test",
      rname: "hostmaster.fake.test",
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum,
    },
  };
}

/** Starts a fake upstream on a free port of `host`, UDP and TCP. */
export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const host = options.host ?? "127.0.0.1";
  const table = new Map<string, FakeBehaviour>();
  let fallback: FakeBehaviour = { type: "nxdomain", soa: { minimum: 60 } };
  const queries: ParsedQuestion[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const conns = new Set<Socket>();
  let closed = false;

  const later = (ms: number, fn: () => void): void => {
    if (ms <= 0) return fn();
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) fn();
    }, ms);
    timers.add(t);
  };

  /** Sends the answers `behaviour` calls for, through `send`. */
  const respond = (
    query: dnsPacket.DecodedPacket,
    behaviour: FakeBehaviour,
    transport: "udp" | "tcp",
    limit: number,
    send: (b: Buffer) => void,
  ): void => {
    const q = query.questions![0]!;
    const opt = query.additionals?.find((a) => a.type === "OPT") as { flags?: number } | undefined;
    const base = (): dnsPacket.Packet => ({
      type: "response",
      id: query.id ?? 0,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
      questions: [q],
      answers: [],
      authorities: [],
      additionals: opt
        ? [
            {
              type: "OPT",
              name: ".",
              udpPayloadSize: 1232,
              flags: (opt.flags ?? 0) & dnsPacket.DNSSEC_OK,
              options: [],
            } as unknown as dnsPacket.Answer,
          ]
        : [],
    });
    const withRcode = (p: dnsPacket.Packet, rcode: number): dnsPacket.Packet => ({
      ...p,
      flags: (p.flags ?? 0) | rcode,
    });
    switch (behaviour.type) {
      case "timeout":
        return;
      case "delay":
        return later(behaviour.ms, () => respond(query, behaviour.then, transport, limit, send));
      case "wrong-id": {
        send(dnsPacket.encode({ ...base(), id: ((query.id ?? 0) + 1) & 0xffff }));
        if (behaviour.then) respond(query, behaviour.then, transport, limit, send);
        return;
      }
      case "wrong-question": {
        send(dnsPacket.encode({ ...base(), questions: [{ ...q, name: `other.${q.name}` }] }));
        if (behaviour.then) respond(query, behaviour.then, transport, limit, send);
        return;
      }
      case "servfail":
        return later(behaviour.delayMs ?? 0, () => send(dnsPacket.encode(withRcode(base(), 2))));
      case "refused":
        return later(behaviour.delayMs ?? 0, () => send(dnsPacket.encode(withRcode(base(), 5))));
      case "nxdomain":
      case "nodata": {
        const p = { ...base(), authorities: [soaRecord(behaviour.soa)] };
        const packet = behaviour.type === "nxdomain" ? withRcode(p, 3) : p;
        return later(behaviour.delayMs ?? 0, () => send(dnsPacket.encode(packet)));
      }
      case "answer": {
        const p: dnsPacket.Packet = {
          ...base(),
          answers: (behaviour.answers ?? []).map((r) => toAnswer(r, q.name)),
          authorities: (behaviour.authorities ?? []).map((r) => toAnswer(r, q.name)),
        };
        p.additionals = [...(behaviour.additionals ?? []).map((r) => toAnswer(r, q.name)), ...(p.additionals ?? [])];
        let bytes = dnsPacket.encode(p);
        if (transport === "udp" && (behaviour.truncateUdp || bytes.length > limit)) {
          bytes = dnsPacket.encode({ ...base(), flags: (base().flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE });
        }
        return later(behaviour.delayMs ?? 0, () => send(bytes));
      }
    }
  };

  const handle = (msg: Buffer, transport: "udp" | "tcp", send: (b: Buffer) => void): void => {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const q = query.questions?.[0];
    if (!q || query.type !== "query") return;
    const opt = query.additionals?.find((a) => a.type === "OPT") as
      | { udpPayloadSize?: number; flags?: number }
      | undefined;
    queries.push({
      id: query.id ?? 0,
      name: q.name,
      type: q.type,
      class: q.class ?? "IN",
      transport,
      edns: opt !== undefined,
      dnssecOk: ((opt?.flags ?? 0) & dnsPacket.DNSSEC_OK) !== 0,
    });
    const limit = opt ? Math.max(512, opt.udpPayloadSize ?? 512) : 512;
    respond(query, table.get(key(q.name, q.type)) ?? fallback, transport, limit, send);
  };

  const { udp, tcp, port } = await listenBoth(
    host,
    (msg, rinfo, sock) => {
      handle(msg, "udp", (b) => {
        if (!closed) sock.send(b, rinfo.port, rinfo.address);
      });
    },
    (conn) => {
      conns.add(conn);
      conn.on("close", () => conns.delete(conn));
      conn.on("error", () => conn.destroy());
      let buf = Buffer.alloc(0);
      conn.on("data", (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 2) {
          const len = buf.readUInt16BE(0);
          if (buf.length < 2 + len) break;
          const msg = buf.subarray(2, 2 + len);
          buf = buf.subarray(2 + len);
          handle(Buffer.from(msg), "tcp", (b) => {
            if (conn.destroyed) return;
            const framed = Buffer.allocUnsafe(2 + b.length);
            framed.writeUInt16BE(b.length, 0);
            b.copy(framed, 2);
            conn.write(framed);
          });
        }
      });
    },
  );

  return {
    host,
    port,
    queries,
    set(name, type, behaviour) {
      table.set(key(name, type), behaviour);
    },
    setDefault(behaviour) {
      fallback = behaviour;
    },
    count(name, type) {
      const n = name.toLowerCase().replace(/\.$/, "");
      return queries.filter((q) => q.name.toLowerCase() === n && (type === undefined || q.type === type.toUpperCase()))
        .length;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const c of conns) c.destroy();
      await Promise.all([
        new Promise<void>((r) => udp.close(() => r())),
        new Promise<void>((r) => tcp.close(() => r())),
      ]);
    },
  };
}

/** Binds UDP on a port the OS picks, then TCP on the same port (retrying when TCP's is taken). */
async function listenBoth(
  host: string,
  onUdp: (msg: Buffer, rinfo: RemoteInfo, sock: UdpSocket) => void,
  onTcp: (conn: Socket) => void,
): Promise<{ udp: UdpSocket; tcp: Server; port: number }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket(host.includes(":") ? "udp6" : "udp4");
    udp.on("message", (msg, rinfo) => onUdp(msg, rinfo, udp));
    await new Promise<void>((resolve, reject) => {
      udp.once("error", reject);
      udp.bind(0, host, () => {
        udp.off("error", reject);
        resolve();
      });
    });
    const port = udp.address().port;
    const tcp = createServer(onTcp);
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen(port, host, () => {
          tcp.off("error", reject);
          resolve();
        });
      });
      return { udp, tcp, port };
    } catch (err) {
      lastError = err;
      await new Promise<void>((r) => udp.close(() => r()));
    }
  }
  throw new Error(`fake upstream: no port free for both UDP and TCP on ${host}: ${String(lastError)}`);
}
