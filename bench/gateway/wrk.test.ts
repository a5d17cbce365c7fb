import assert from "node:assert/strict";
import { test } from "node:test";
import { parseWrk } from "./wrk.ts";

const SAMPLE = `Running 5s test @ http://127.0.0.1:40755/file.txt
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   842.11us    1.90ms  45.46ms   98.12%
    Req/Sec    40.32k     3.01k   44.10k    82.00%
  Latency Distribution
     50%  640.00us
     75%  720.00us
     90%    1.01ms
     99%    4.80ms
  200781 requests in 5.00s, 248.30MB read
  Socket errors: connect 0, read 58, write 2, timeout 1
  Non-2xx or 3xx responses: 3
Requests/sec:  40156.20
Transfer/sec:     49.66MB
`;

test("parseWrk reads rate, percentiles and failures", () => {
  const r = parseWrk(SAMPLE, "wrk …");
  assert.equal(r.rps, 40156.2);
  assert.equal(r.requests, 200781);
  assert.equal(r.p50Ms, 0.64);
  assert.equal(r.p99Ms, 4.8);
  assert.equal(r.socketErrors, 61);
  assert.equal(r.socketDetail, "connect 0, read 58, write 2, timeout 1");
  assert.equal(r.non2xx, 3);
});

test("parseWrk: a clean run has no failures; no summary throws", () => {
  const clean = SAMPLE.replace(/ {2}Socket errors.*\n {2}Non-2xx.*\n/, "");
  const r = parseWrk(clean, "wrk");
  assert.equal(r.socketErrors, 0);
  assert.equal(r.non2xx, 0);
  assert.throws(() => parseWrk("unable to connect", "wrk"), /no wrk summary/);
});
