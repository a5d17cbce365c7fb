/**
 * Finishing a CNAME chain that leaves the cluster zone (ExternalName services): the target is
 * asked of the rest of the chain (hosts, cache, forward) and its answers are appended, with the
 * TC bit carried over, as CoreDNS does (docs/dns-behaviour.md, row 30).
 */
import { randomInt } from "node:crypto";
import * as dnsPacket from "dns-packet";
import { encodeAnswer, type OwnedRecord } from "../../answers/encode.ts";
import type { DnsReply, DnsRequest, Next } from "../../plugin.ts";
import { RCODE } from "../../wire/constants.ts";
import { parseQuery } from "../../wire/query.ts";
import type { RecordData } from "../../wire/records.ts";
import { writeAnswer } from "../../wire/response.ts";

function toRecord(a: dnsPacket.Answer): OwnedRecord | undefined {
  const ttl = "ttl" in a && typeof a.ttl === "number" ? a.ttl : 0;
  let data: RecordData | undefined;
  if ((a.type === "A" || a.type === "AAAA") && typeof a.data === "string") data = { type: a.type, address: a.data };
  else if (a.type === "CNAME" && typeof a.data === "string") data = { type: "CNAME", target: a.data.toLowerCase() };
  return data ? { owner: a.name.toLowerCase(), ttl, data } : undefined;
}

/** Asks the rest of the chain for `target` and answers with our CNAMEs plus what came back. */
export async function chaseUpstream(
  req: DnsRequest,
  next: Next,
  answers: OwnedRecord[],
  target: string,
): Promise<DnsReply> {
  const msg = dnsPacket.encode({
    type: "query",
    id: randomInt(0, 0x10000),
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: target, type: "A", class: "IN" }],
  });
  msg.writeUInt16BE(req.query.qtype, msg.length - 4); // the asked type, whatever its name

  const sub = parseQuery(msg);
  let reply: DnsReply = { type: "drop" };
  if (sub.type === "query") reply = await next({ ...req, msg, query: sub });
  let bytes: Buffer | undefined;
  if (reply.type === "raw") bytes = reply.bytes;
  else if (reply.type === "answer" && sub.type === "query") {
    bytes = writeAnswer(
      msg,
      sub,
      { rcode: reply.rcode, authoritative: reply.authoritative, recursionAvailable: false },
      reply.sections,
      65535,
    );
  }
  const more: OwnedRecord[] = [];
  let truncated = false;
  if (bytes) {
    try {
      const decoded = dnsPacket.decode(bytes);
      truncated = decoded.flag_tc ?? false;
      for (const a of decoded.answers ?? []) {
        const rec = toRecord(a);
        if (rec) more.push(rec);
      }
    } catch {
      // an undecodable upstream answer adds nothing
    }
  }
  const sections = encodeAnswer(req.query, [...answers, ...more], []);
  return { type: "answer", rcode: RCODE.NOERROR, authoritative: true, sections, truncated };
}
