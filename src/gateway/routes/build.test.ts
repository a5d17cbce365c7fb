import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCa, type TestCa, tlsSecret } from "../../../test/support/test-pki.ts";
import type { DNSRecord, Endpoints, Service } from "../../api/types.ts";
import { parseTlsSecret, type TlsMaterial } from "../tls/certificate.ts";
import { buildRouteTable as buildFromSources, type RouteInputs } from "./build.ts";
import { dnsRecordRoutes } from "./from-dns-record.ts";
import { type OwnerOutcome, ownerKey, type Route } from "./model.ts";

/** The table of DNSRecords, with each outcome's `namespace/name` as `key`. */
function buildRouteTable(inputs: Omit<RouteInputs, "sources"> & { records: DNSRecord[] }) {
  const { records, ...rest } = inputs;
  const table = buildFromSources({ ...rest, sources: records.map(dnsRecordRoutes) });
  return { ...table, records: table.outcomes.map((o) => ({ ...o, key: ownerKey(o.owner) })) };
}
const prefixOf = (r: Route): string => r.match.path.value;
const backendsOf = (r: Route) => r.groups[0]!.backends;
const unavailableOf = (r: Route) => r.groups[0]!.unavailable;
const recordOf = (r: Route): string => ownerKey(r.owner);
type _Outcome = OwnerOutcome;

function record(name: string, created: string, host: string, paths: DNSRecord["spec"]["paths"]): DNSRecord {
  return {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name, namespace: "default", creationTimestamp: created },
    spec: { host, paths },
  };
}

const web: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default" },
  spec: {
    ports: [
      { name: "http", port: 80, targetPort: "http" },
      { name: "admin", port: 9000 },
    ],
  },
};
const webEndpoints: Endpoints = {
  apiVersion: "v1",
  kind: "Endpoints",
  metadata: { name: "web", namespace: "default" },
  subsets: [
    {
      addresses: [{ ip: "10.1.0.6" }, { ip: "10.1.0.5" }],
      notReadyAddresses: [{ ip: "10.1.0.7" }],
      ports: [
        { name: "http", port: 8080 },
        { name: "admin", port: 9090 },
      ],
    },
  ],
};

test("literal addresses and service endpoints become backends; longest prefix first", () => {
  const table = buildRouteTable({
    records: [
      record("r", "2024-01-01T00:00:00Z", "node1.com", [
        { path: "/service1", service: "service1", address: "127.1.1.10", port: 8010 },
        { path: "/service1/deeper/", service: "web", port: 80 },
        { path: "/admin", service: "web", port: 9000 },
      ]),
    ],
    services: [web],
    endpoints: [webEndpoints],
  });
  assert.equal(table.hosts.length, 1);
  const routes = table.hosts[0]!.routes;
  assert.deepEqual(routes.map(prefixOf), ["/service1/deeper", "/service1", "/admin"]);
  assert.deepEqual(backendsOf(routes[0]!), [
    { ip: "10.1.0.5", port: 8080 },
    { ip: "10.1.0.6", port: 8080 },
  ]);
  assert.deepEqual(backendsOf(routes[1]!), [{ ip: "127.1.1.10", port: 8010 }]);
  assert.deepEqual(backendsOf(routes[2]!), [
    { ip: "10.1.0.5", port: 9090 },
    { ip: "10.1.0.6", port: 9090 },
  ]);
  assert.deepEqual(table.records[0]!.served.sort(), ["/admin", "/service1", "/service1/deeper/"]);
});

test("a missing service, port or endpoint leaves the route with a reason instead of backends", () => {
  const table = buildRouteTable({
    records: [
      record("r", "t", "a.com", [
        { path: "/gone", service: "nope", port: 80 },
        { path: "/port", service: "web", port: 81 },
        { path: "/noeps", service: "web", port: 80 },
      ]),
    ],
    services: [web],
    endpoints: [],
  });
  const reasons = Object.fromEntries(table.hosts[0]!.routes.map((r) => [prefixOf(r), unavailableOf(r)]));
  assert.equal(reasons["/gone"], "service default/nope does not exist");
  assert.equal(reasons["/port"], "service default/web has no TCP port 81");
  assert.equal(reasons["/noeps"], "service default/web has no ready endpoints for port 80");
  assert.equal(table.records[0]!.unavailable.length, 3);
});

test("the older record wins a host+path conflict (trailing slash is the same path); the newer is told why", () => {
  const older = record("b-older", "2024-01-01T00:00:00Z", "x.com", [{ path: "/a", address: "10.0.0.1", port: 80 }]);
  const newer = record("a-newer", "2024-02-01T00:00:00Z", "x.com", [
    { path: "/a/", address: "10.0.0.2", port: 80 },
    { path: "/b", address: "10.0.0.2", port: 80 },
  ]);
  const table = buildRouteTable({ records: [newer, older], services: [], endpoints: [] });
  const a = table.hosts[0]!.routes.find((r) => prefixOf(r) === "/a")!;
  assert.equal(recordOf(a), "default/b-older");
  const lost = table.records.find((r) => r.key === "default/a-newer")!;
  assert.deepEqual(lost.lost, [
    { host: "x.com", path: "/a/", winner: { kind: "DNSRecord", namespace: "default", name: "b-older" } },
  ]);
  assert.deepEqual(lost.served, ["/b"]);
  // same creationTimestamp: the name decides
  const tie = buildRouteTable({
    records: [{ ...newer, metadata: { ...newer.metadata, creationTimestamp: "2024-01-01T00:00:00Z" } }, older],
    services: [],
    endpoints: [],
  });
  assert.equal(tie.hosts[0]!.routes.find((r) => prefixOf(r) === "/a")!.owner.name, "a-newer");
});

test("records that slipped past API validation are never routed", () => {
  const bad = [
    record("h", "t", "a.com; include /etc/passwd", [{ path: "/x", address: "10.0.0.1", port: 80 }]),
    record("p", "t", "b.com", [{ path: "/x { return 200; } location /y", address: "10.0.0.1", port: 80 }]),
    record("d", "t", "c.com", [{ path: "/x$host", address: "10.0.0.1", port: 80 }]),
    record("u", "t", "d.com", [{ path: "/x", address: "1.2.3.4:80; include /etc/shadow;", port: 80 }]),
    record("q", "t", "e.com", [{ path: "/x", address: "10.0.0.1", port: 99999 }]),
  ];
  const table = buildRouteTable({ records: bad, services: [], endpoints: [] });
  assert.deepEqual(table.hosts, []);
  assert.ok(table.records.every((r) => r.invalid !== undefined));
});

describe("HTTPS from spec.tls", () => {
  let ca: TestCa;
  let secrets: Map<string, TlsMaterial>;
  before(async () => {
    ca = await startTestCa();
    const a = await ca.issue(["a.test"], { serial: "AA" });
    const other = await ca.issue(["a.test"], { serial: "BB" });
    const b = await ca.issue(["b.test"]);
    secrets = new Map([
      ["default/a", parseTlsSecret(tlsSecret("a", a.cert, a.key))],
      ["default/a2", parseTlsSecret(tlsSecret("a2", other.cert, other.key))],
      ["default/b", parseTlsSecret(tlsSecret("b", b.cert, b.key))],
      ["default/opaque", parseTlsSecret(tlsSecret("opaque", a.cert, a.key, { type: "Opaque" }))],
    ]);
  });
  after(() => ca?.close());

  const withTls = (r: DNSRecord, secretName: string, httpRedirect?: boolean): DNSRecord => ({
    ...r,
    spec: { ...r.spec, tls: { secretName, ...(httpRedirect !== undefined ? { httpRedirect } : {}) } },
  });
  const to = (port: number) => [{ path: "/", address: "10.0.0.1", port }];

  test("a host gets its oldest served record's certificate and redirect; every route of it is served on both", () => {
    const table = buildRouteTable({
      records: [
        withTls(record("old", "2024-01-01T00:00:00Z", "a.test", to(1)), "a", false),
        withTls(record("new", "2024-02-01T00:00:00Z", "a.test", [{ path: "/x", address: "10.0.0.1", port: 2 }]), "a2"),
        record("plain", "2024-03-01T00:00:00Z", "a.test", [{ path: "/y", address: "10.0.0.1", port: 3 }]),
        record("c", "2024-01-01T00:00:00Z", "c.test", to(4)),
      ],
      services: [],
      endpoints: [],
      secrets,
      https: true,
    });
    const a = table.hosts.find((h) => h.host === "a.test")!;
    assert.deepEqual(
      [a.tls?.secret, a.tls && ownerKey(a.tls.owner), a.tls?.redirect],
      ["default/a", "default/old", false],
    );
    assert.equal(a.tls?.certificate.leaf.serialNumber, "AA");
    assert.equal(a.routes.length, 3);
    assert.equal(table.hosts.find((h) => h.host === "c.test")!.tls, undefined);
    const note = (name: string) => table.records.find((r) => r.key === `default/${name}`)!.https?.note;
    assert.match(note("old") ?? "", /^HTTPS with secret default\/a \(certificate serial AA, valid until /);
    assert.match(
      note("new") ?? "",
      /from default\/old, the host's oldest record with spec\.tls; its own secret default\/a2 is not used$/,
    );
    assert.match(note("plain") ?? "", /from default\/old/);
    assert.equal(note("c"), undefined);
  });

  test("a Secret that cannot be served keeps its record out of the table; the others are served", () => {
    const table = buildRouteTable({
      records: [
        withTls(record("missing", "t", "a.test", to(1)), "nope"),
        withTls(record("opaque", "t", "a.test", [{ path: "/o", address: "10.0.0.1", port: 1 }]), "opaque"),
        withTls(record("wrong-host", "t", "a.test", [{ path: "/w", address: "10.0.0.1", port: 1 }]), "b"),
        withTls(record("good", "t", "b.test", to(2)), "b"),
      ],
      services: [],
      endpoints: [],
      secrets,
      https: true,
    });
    assert.deepEqual(
      table.hosts.map((h) => h.host),
      ["b.test"],
    );
    const reason = (name: string) => table.records.find((r) => r.key === `default/${name}`)!.invalidCertificate;
    assert.equal(reason("missing"), "secret default/nope does not exist");
    assert.equal(reason("opaque"), 'secret default/opaque: type is "Opaque", not kubernetes.io/tls');
    assert.match(
      reason("wrong-host") ?? "",
      /^secret default\/b: the certificate in tls\.crt does not cover host a\.test/,
    );
    assert.equal(reason("good"), undefined);
  });

  test("without a TLS listener spec.tls is noted and the record served over plain HTTP", () => {
    const table = buildRouteTable({
      records: [withTls(record("r", "t", "a.test", to(1)), "nope")],
      services: [],
      endpoints: [],
      secrets,
    });
    assert.equal(table.hosts[0]!.tls, undefined);
    assert.equal(table.records[0]!.https?.note, "spec.tls is not used: the gateway has no TLS listener");
  });
});
