/**
 * `kdns explain dns`: asks the running chain a question as a client would, and says why the
 * answer is what it is. Each plugin first gives its account from its own state (without changing
 * it); then the question goes through the very chain that serves clients, so the answer shown is
 * the answer a client gets (a forwarded name is forwarded, and cached, as for any client).
 */
import { isIP } from "node:net";
import * as dnsPacket from "dns-packet";
import type { DnsPlugin, DnsReply, DnsRequest, Next, PluginNote } from "../plugin.ts";
import { reverseName } from "../plugins/kubernetes/names.ts";
import { QTYPE, RCODE } from "../wire/constants.ts";
import { parseQuery } from "../wire/query.ts";
import { writeAnswer } from "../wire/response.ts";

/** A question to explain. */
export interface DnsQuestion {
  name: string;
  /** Record type name (`A`, `SRV`…); default A, or PTR when `name` is an IP address. */
  type?: string;
  /** The client the question is asked as (the recursion ACL reads it); default 127.0.0.1. */
  client?: string;
}

/** One record of the answer. */
export interface ExplainedRecord {
  name: string;
  type: string;
  ttl: number;
  data: string;
}

/** The answer and why. */
export interface DnsExplanation {
  question: { name: string; type: string; client: string };
  rcode: string;
  authoritative: boolean;
  answers: ExplainedRecord[];
  additionals: ExplainedRecord[];
  /** The plugin that answered (`server` for what the server answers itself). */
  answeredBy: string;
  /** Each plugin the question went through, in chain order, ending with the one that answered. */
  plugins: PluginNote[];
  /** The upstream a forwarded answer came from. */
  upstream?: string;
  /** A close name that exists, for a name that does not. */
  suggestion?: string;
}

/** Types a question may name; each maps to its wire number. */
const TYPES: Record<string, number> = {
  A: QTYPE.A,
  AAAA: QTYPE.AAAA,
  CNAME: QTYPE.CNAME,
  PTR: QTYPE.PTR,
  SRV: QTYPE.SRV,
  TXT: QTYPE.TXT,
  SOA: QTYPE.SOA,
  NS: QTYPE.NS,
  MX: 15,
  HTTPS: 65,
  ANY: QTYPE.ANY,
};

const RCODE_NAMES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"];

/** An explain input error (bad name or type): the API answers it 400. */
export class BadQuestionError extends Error {}

/** The question's name (an IP becomes its reverse name), type and client, checked. */
export function normalizeQuestion(q: DnsQuestion): { name: string; type: string; client: string } {
  let name = q.name.trim().toLowerCase().replace(/\.$/, "");
  let type = (q.type ?? "").toUpperCase();
  if (isIP(name) !== 0) {
    name = reverseName(name) ?? name;
    type ||= "PTR";
  }
  type ||= "A";
  if (name === "" || name.length > 253 || name.split(".").some((l) => l === "" || l.length > 63))
    throw new BadQuestionError(`"${q.name}" is not a DNS name`);
  if (TYPES[type] === undefined)
    throw new BadQuestionError(`record type "${q.type}" is not one explain knows (${Object.keys(TYPES).join(", ")})`);
  const client = q.client ?? "127.0.0.1";
  if (isIP(client) === 0) throw new BadQuestionError(`client "${client}" is not an IP address`);
  return { name, type, client };
}

function recordOf(a: dnsPacket.Answer): ExplainedRecord {
  const data = "data" in a ? a.data : undefined;
  const text =
    typeof data === "string"
      ? data
      : data && typeof data === "object" && "target" in data
        ? `${(data as { priority: number }).priority} ${(data as { weight: number }).weight} ${(data as { port: number }).port} ${(data as { target: string }).target}`
        : Array.isArray(data)
          ? data.map(String).join(" ")
          : JSON.stringify(data ?? "");
  return { name: a.name, type: a.type, ttl: "ttl" in a ? (a.ttl ?? 0) : 0, data: text };
}

/** The reply's bytes as a client gets them. */
function bytesOf(msg: Buffer, reply: DnsReply): Buffer | undefined {
  if (reply.type === "drop") return undefined;
  if (reply.type === "raw") return reply.bytes;
  const query = parseQuery(msg);
  if (query.type !== "query") return undefined;
  return writeAnswer(msg, query, { ...reply, recursionAvailable: true }, reply.sections, 65535);
}

/** Explains one question against the chain `plugins` composed into `next`. */
export async function explainQuestion(
  plugins: readonly DnsPlugin[],
  next: Next,
  question: DnsQuestion,
): Promise<DnsExplanation> {
  const q = normalizeQuestion(question);
  const msg = dnsPacket.encode({
    type: "query",
    id: 1,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: q.name, type: "A", class: "IN" }],
  });
  msg.writeUInt16BE(TYPES[q.type]!, msg.length - 4);
  const parsed = parseQuery(msg);
  if (parsed.type !== "query") throw new BadQuestionError(`"${q.name}" cannot be asked`);
  const base = { question: q, additionals: [] as ExplainedRecord[] };
  if (parsed.qtype === QTYPE.ANY) {
    const reasons = ["the server answers ANY itself with one HINFO record (RFC 8482), as CoreDNS does"];
    return {
      ...base,
      rcode: "NOERROR",
      authoritative: false,
      answers: [],
      answeredBy: "server",
      plugins: [{ plugin: "server", verdict: "answers", reasons }],
    };
  }
  let upstream: string | undefined;
  const req: DnsRequest = {
    msg,
    query: parsed,
    transport: "tcp",
    clientAddress: q.client,
    onUpstream: (u) => void (upstream = u),
  };
  const notes: PluginNote[] = [];
  for (const p of plugins) {
    const note = p.explain?.(req) ?? { plugin: p.name, verdict: "passes", reasons: [] };
    notes.push(note);
    if (note.verdict === "answers") break;
  }
  const reply = await next(req);
  const bytes = bytesOf(msg, reply);
  const decoded = bytes ? dnsPacket.decode(bytes) : undefined;
  const rcode = bytes ? bytes[3]! & 0x0f : RCODE.SERVFAIL;
  const last = notes[notes.length - 1];
  const answeredBy = last?.verdict === "answers" ? last.plugin : "server";
  if (answeredBy === "server")
    notes.push({
      plugin: "server",
      verdict: "answers",
      reasons: ["no plugin owns the name and there is no upstream: SERVFAIL"],
    });
  const suggestion = notes.find((n) => n.suggestion)?.suggestion;
  return {
    ...base,
    rcode: RCODE_NAMES[rcode] ?? String(rcode),
    authoritative: decoded?.flag_aa ?? false,
    answers: (decoded?.answers ?? []).map(recordOf),
    additionals: (decoded?.additionals ?? []).filter((a) => a.type !== "OPT").map(recordOf),
    answeredBy,
    plugins: notes,
    ...(upstream !== undefined ? { upstream } : {}),
    ...(suggestion !== undefined ? { suggestion } : {}),
  };
}
