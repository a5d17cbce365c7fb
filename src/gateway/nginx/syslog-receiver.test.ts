import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { test } from "node:test";
import { waitFor } from "../../../test/support/wait-for.ts";
import { type NginxLogLine, parseSyslogLine, startSyslogReceiver } from "./syslog-receiver.ts";

const JSON_LINE =
  '{"time":"1764255000.123","client":"127.0.0.1","host":"shop.test","server":"shop.test","method":"GET","uri":"/api/x?\\"q\\"=1","status":"200","bytes":"312","duration":"0.004","upstream":"10.0.0.1:80, 10.0.0.2:80","path":"/api","route":"default/site"}';

test("an nginx syslog line parses into its fields; numbers are numbers, the last upstream is the one that answered", () => {
  const line = parseSyslogLine(`<190>Nov 27 15:07:43 kdns_ab12: ${JSON_LINE}`, "kdns_ab12");
  assert.deepEqual(line, {
    time: 1764255000123,
    client: "127.0.0.1",
    host: "shop.test",
    server: "shop.test",
    method: "GET",
    uri: '/api/x?"q"=1',
    status: 200,
    bytes: 312,
    duration: 0.004,
    upstream: "10.0.0.2:80",
    path: "/api",
    route: "default/site",
  } satisfies NginxLogLine);
  const bare = parseSyslogLine(
    `<190>Nov 27 15:07:43 kdns_ab12: ${JSON_LINE.replace('"10.0.0.1:80, 10.0.0.2:80"', '""')}`,
    "kdns_ab12",
  );
  assert.equal(bare?.upstream, "");
});

test("lines of another tag, not syslog, not JSON or without a status are dropped", () => {
  for (const bad of [
    `<190>Nov 27 15:07:43 kdns_other: ${JSON_LINE}`,
    `Nov 27 15:07:43 kdns_ab12: ${JSON_LINE}`,
    "<190>Nov 27 15:07:43 kdns_ab12: {not json",
    "<190>Nov 27 15:07:43 kdns_ab12: 42",
    '<190>Nov 27 15:07:43 kdns_ab12: {"time":"1","status":"-"}',
    `<190>${"x".repeat(60)} kdns_ab12: ${JSON_LINE}`,
  ])
    assert.equal(parseSyslogLine(bad, "kdns_ab12"), undefined, bad);
});

test("the receiver listens on loopback and takes only its own tag's lines", async () => {
  const got: NginxLogLine[] = [];
  const receiver = await startSyslogReceiver((l) => got.push(l));
  try {
    assert.equal(receiver.target.host, "127.0.0.1");
    assert.match(receiver.target.tag, /^kdns_[0-9a-f]{16}$/);
    const client = createSocket("udp4");
    const send = (text: string) =>
      new Promise<void>((resolve, reject) =>
        client.send(text, receiver.target.port, "127.0.0.1", (err) => (err ? reject(err) : resolve())),
      );
    await send(`<190>Nov 27 15:07:43 kdns_0000000000000000: ${JSON_LINE}`);
    await send(`<190>Nov 27 15:07:43 ${receiver.target.tag}: ${JSON_LINE}`);
    await waitFor(() => got.length === 1, { what: "one line received" });
    client.close();
    assert.equal(got[0]?.route, "default/site");
  } finally {
    await receiver.close();
  }
});
