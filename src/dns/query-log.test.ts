import assert from "node:assert/strict";
import { test } from "node:test";
import dnsPacket from "dns-packet";
import { QueryLog, queryLogLine } from "./query-log.ts";

const request = (edns: boolean): Buffer =>
  dnsPacket.encode({
    id: 4242,
    type: "query",
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: "A", class: "IN", name: "Web.Shop.svc.cluster.local" }],
    ...(edns ? { additionals: [{ type: "OPT", name: ".", udpPayloadSize: 4096, flags: dnsPacket.DNSSEC_OK }] } : {}),
  } as dnsPacket.Packet);

/** `rcode` goes in the low four bits of the flags word. */
const response = (rcode: "NOERROR" | "NXDOMAIN"): Buffer =>
  dnsPacket.encode({
    id: 4242,
    type: "response",
    flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | (rcode === "NXDOMAIN" ? 3 : 0),
    questions: [{ type: "A", class: "IN", name: "web.shop.svc.cluster.local" }],
  } as dnsPacket.Packet);

test("a line in CoreDNS's log format: client, id, question, proto, size, DO, bufsize, rcode, flags, size, duration", () => {
  const req = request(false);
  const res = response("NOERROR");
  assert.equal(
    queryLogLine(true, "127.0.0.1", 40212, req, res, 0.000123),
    `[INFO] 127.0.0.1:40212 - 4242 "A IN web.shop.svc.cluster.local. udp ${req.length} false 512" NOERROR qr,aa,rd ${res.length} 0.000123s`,
  );
  const withEdns = request(true);
  assert.equal(
    queryLogLine(false, "::1", 53000, withEdns, response("NXDOMAIN"), 1.5),
    `[INFO] [::1]:53000 - 4242 "A IN web.shop.svc.cluster.local. tcp ${withEdns.length} true 4096" NXDOMAIN qr,aa,rd ${response("NXDOMAIN").length} 1.5s`,
  );
});

test("a sample of N writes every Nth query; 0 is refused", () => {
  const lines: string[] = [];
  const log = new QueryLog(3, (l) => lines.push(l));
  for (let i = 0; i < 7; i++) log.observe(true, "127.0.0.1", 1, 1, false, 0, request(false), response("NOERROR"), 0);
  assert.equal(lines.length, 2);
  assert.throws(() => new QueryLog(0, () => undefined), /sample must be 1 or more, got 0/);
});
