/** Golden-file test of the nginx rendering (regenerate with UPDATE_GOLDEN=1 after a deliberate change). */

import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { test } from "node:test";
import { dnsRoute } from "../../../test/support/routes.ts";
import { clientLimits } from "../client-limits.ts";
import type { Route, RouteTable } from "../routes/model.ts";
import type { ServingCertificate } from "../tls/certificate.ts";
import { atLeast, findNginx, nginxVersion, parseNginxVersion } from "./binary.ts";
import { quote, UnsafeValueError } from "./quote.ts";
import { renderNginxConfig } from "./render.ts";

const GOLDEN = new URL("../../../test/gateway/nginx.golden.conf", import.meta.url);
const TLS_GOLDEN = new URL("../../../test/gateway/nginx-tls.golden.conf", import.meta.url);

const table: RouteTable = {
  hosts: [
    {
      host: "node1.com",
      routes: [
        dnsRoute({
          prefix: "/service1",
          record: "default/dns-test1",
          target: "127.1.1.10:8010",
          backends: [{ ip: "127.1.1.10", port: 8010 }],
        }),
        dnsRoute({
          prefix: "/service2",
          record: "default/dns-test1",
          target: "127.1.1.11:8011",
          backends: [{ ip: "127.1.1.11", port: 8011 }],
        }),
      ],
    },
    {
      host: "shop.example.com",
      routes: [
        dnsRoute({
          prefix: "/api/v1",
          record: "shop/site",
          target: "service shop/web port 80",
          backends: [
            { ip: "10.1.0.5", port: 8080 },
            { ip: "fd00::5", port: 8080 },
          ],
        }),
        dnsRoute({
          prefix: "/static",
          record: "shop/site",
          target: "service shop/files port 80",
          backends: [],
          unavailable: "service shop/files has no ready endpoints for port 80",
        }),
        dnsRoute({ prefix: "/", record: "shop/root", target: "10.1.0.9:80", backends: [{ ip: "10.1.0.9", port: 80 }] }),
      ],
    },
  ],
  outcomes: [],
};

test("rendering matches the golden file", async () => {
  const text = renderNginxConfig(table, { listen: "127.0.0.1:8080" });
  if (process.env.UPDATE_GOLDEN === "1") await writeFile(GOLDEN, text);
  assert.equal(text, await readFile(GOLDEN, "utf8"));
});

test("rendering is deterministic and has one server per host plus the default, two locations per prefix", () => {
  const text = renderNginxConfig(table, { listen: "127.0.0.1:8080" });
  assert.equal(text, renderNginxConfig(structuredClone(table), { listen: "127.0.0.1:8080" }));
  assert.equal(text.match(/^ {4}server \{$/gm)?.length, 3);
  assert.equal(text.match(/^\s+location /gm)?.length, 2 * 2 + 2 * 2 + 1 + 1); // node1 has a catch-all 404, shop has "/"
  assert.equal(text.match(/^ {4}upstream /gm)?.length, 4);
});

test("values that could break out of a quoted nginx string are refused or escaped", () => {
  for (const bad of ["/x$host", "/x${uri}", "a.com\nserver_name evil;", "/x\0", "/x\t", "a\r\nX: 1"]) {
    assert.throws(() => quote("path", bad), UnsafeValueError, bad);
  }
  assert.equal(quote("path", '/"\\'), '"/\\"\\\\"');
  assert.equal(quote("path", "/x; include /etc/passwd; {"), '"/x; include /etc/passwd; {"');
  const hostile: RouteTable = {
    hosts: [
      {
        host: "a.com",
        routes: [dnsRoute({ prefix: "/x$host", record: "d/r", target: "t", backends: [{ ip: "10.0.0.1", port: 1 }] })],
      },
    ],
    outcomes: [],
  };
  assert.throws(() => renderNginxConfig(hostile, { listen: "127.0.0.1:8080" }), UnsafeValueError);
});

test("keepalive_min_timeout is rendered only for an nginx that has it (1.27.4+)", async () => {
  assert.doesNotMatch(renderNginxConfig(table, { listen: "127.0.0.1:8080" }), /keepalive_min_timeout/);
  assert.match(
    renderNginxConfig(table, { listen: "127.0.0.1:8080", keepaliveMinTimeout: true }),
    /^ {4}keepalive_min_timeout 1s;$/m,
  );
  assert.deepEqual(parseNginxVersion("nginx version: nginx/1.22.1\n"), [1, 22, 1]);
  assert.equal(parseNginxVersion("not nginx"), undefined);
  assert.equal(atLeast([1, 22, 1], [1, 27, 4]), false);
  assert.equal(atLeast([1, 27, 4], [1, 27, 4]), true);
  assert.equal(atLeast([1, 28, 0], [1, 27, 4]), true);
  assert.equal(atLeast([2, 0, 0], [1, 27, 4]), true);
  assert.equal(atLeast(undefined, [1, 27, 4]), false);
  // The nginx this machine has answers `nginx -v` with a version the engine can read.
  assert.ok(await nginxVersion(await findNginx()), "nginx -v reports a version");
});

test("client limits are rendered in nginx's syntax; a limit that is not a positive integer is refused", () => {
  const text = renderNginxConfig(table, {
    listen: "127.0.0.1:8080",
    limits: clientLimits({ headerTimeoutMs: 1500, bodyTimeoutMs: 2000, headerBufferBytes: 1000 }),
  });
  assert.match(text, /^ {4}client_header_timeout 1500ms;$/m);
  assert.match(text, /^ {4}client_body_timeout 2s;$/m);
  assert.match(text, /^ {4}keepalive_timeout 75s;$/m);
  assert.match(text, /^ {4}keepalive_requests 1000;$/m);
  assert.match(text, /^ {4}large_client_header_buffers 4 1000;$/m);
  assert.throws(() => clientLimits({ keepAliveRequests: 0 }), /keepAliveRequests must be a positive integer, got 0/);
  assert.throws(() => clientLimits({ headerTimeoutMs: 1.5 }), /headerTimeoutMs .* got 1\.5/);
});

/** node1.com redirects plain HTTP, shop.example.com serves both; the ids stand for certificates. */
const tlsTable: RouteTable = {
  ...table,
  hosts: table.hosts.map((h, i) => ({
    ...h,
    tls: {
      secret: `ns/secret-${i}`,
      owner: h.routes[0]!.owner,
      certificate: { id: `0123456789abcdef000000000000000${i}` } as ServingCertificate,
      redirect: i === 0,
    },
  })),
};
const tlsOptions = { listen: "127.0.0.1:8443", publicPort: 443, defaultCertificate: "d".repeat(32) };

test("with a TLS listener: a TLS server per host with a certificate, the default certificate's server, redirects", async () => {
  const text = renderNginxConfig(tlsTable, { listen: "127.0.0.1:8080", tls: tlsOptions });
  if (process.env.UPDATE_GOLDEN === "1") await writeFile(TLS_GOLDEN, text);
  assert.equal(text, await readFile(TLS_GOLDEN, "utf8"));
  assert.match(text, /^ {8}return 308 https:\/\/\$host\$request_uri;$/m, "no port for 443");
  assert.equal(text.match(/^ {8}listen "127\.0\.0\.1:8443" ssl http2( default_server)?;$/gm)?.length, 3);
  assert.doesNotMatch(text, /http2 on/);
  const modern = renderNginxConfig(tlsTable, {
    listen: "127.0.0.1:8080",
    tls: { ...tlsOptions, publicPort: 8443, http2Directive: true },
  });
  assert.equal(modern.match(/^ {8}listen "127\.0\.0\.1:8443" ssl( default_server)?;$/gm)?.length, 3);
  assert.equal(modern.match(/^ {8}http2 on;$/gm)?.length, 3, "in the TLS servers only, never the plain ones");
  assert.match(modern, /return 308 https:\/\/\$host:8443\$request_uri;/);
  // Without a TLS listener the certificates are ignored: the plain rendering of the same routes.
  assert.equal(
    renderNginxConfig(tlsTable, { listen: "127.0.0.1:8080" }),
    renderNginxConfig(table, { listen: "127.0.0.1:8080" }),
  );
});

test("hostile values in matches and filters are refused before they reach nginx.conf", () => {
  const route = (extra: Partial<Route>): RouteTable => ({
    hosts: [
      {
        host: "a.com",
        routes: [
          {
            match: { path: { type: "PathPrefix", value: "/" } },
            owner: { kind: "HTTPRoute", namespace: "d", name: "r" },
            filters: [],
            groups: [{ weight: 1, target: "t", backends: [{ ip: "10.0.0.1", port: 1 }] }],
            ...extra,
          },
        ],
      },
    ],
    outcomes: [],
  });
  const edits = (set: { name: string; value: string }[]) =>
    route({ filters: [{ type: "RequestHeaderModifier", set, add: [], remove: [] }] });
  const bad: RouteTable[] = [
    edits([{ name: "x", value: "$host" }]),
    edits([{ name: "x", value: "a\nb" }]),
    edits([{ name: "x y", value: "1" }]),
    edits([{ name: 'x"; include /etc/passwd; "', value: "1" }]),
    route({ match: { path: { type: "PathPrefix", value: "/" }, headers: [{ name: "x_y", value: "1" }] } }),
    route({ match: { path: { type: "PathPrefix", value: "/" }, headers: [{ name: "x", value: "${uri}" }] } }),
    route({ filters: [{ type: "RequestRedirect", hostname: "a.com$request_uri", statusCode: 302 }], groups: [] }),
    route({ filters: [{ type: "URLRewrite", path: { type: "ReplaceFullPath", value: "/x\r\n" } }] }),
  ];
  for (const t of bad) assert.throws(() => renderNginxConfig(t, { listen: "127.0.0.1:8080" }), UnsafeValueError);
  // A regex metacharacter in a matched value matches only itself.
  const text = renderNginxConfig(
    route({ match: { path: { type: "PathPrefix", value: "/" }, headers: [{ name: "x", value: "a.*|(b)" }] } }),
    { listen: "127.0.0.1:8080" },
  );
  assert.match(text, /"~\^a\\\\\.\\\\\*\\\\\|\\\\\(b\\\\\)\\\\z" 1;/);
});

test("an invalid group's share is a split_clients percentage answered 500; all invalid is a plain 500", () => {
  const table = (groups: Route["groups"]): RouteTable => ({
    hosts: [
      {
        host: "a.com",
        routes: [
          {
            match: { path: { type: "PathPrefix", value: "/" } },
            owner: { kind: "HTTPRoute", namespace: "d", name: "r" },
            filters: [],
            groups,
          },
        ],
      },
    ],
    outcomes: [],
  });
  const ok = { weight: 2, target: "t", backends: [{ ip: "10.0.0.1", port: 1 }] };
  const bad = { weight: 1, target: "gone", backends: [], invalid: 'Service d/"gone" not found' };
  const split = renderNginxConfig(table([ok, bad]), { listen: "127.0.0.1:8080" });
  assert.match(split, /split_clients "\$\{request_id\}" \$kdns_invalid_(\d+) \{\n\s+33\.33% 1;\n\s+\* "";/);
  assert.match(split, /if \(\$kdns_invalid_\d+\) \{\n\s+return 500 "[^\n]*Service d\/\\"gone\\" not found\\n";/);
  assert.match(split, /proxy_pass http:\/\//);
  const all = renderNginxConfig(table([{ ...bad, weight: 5 }]), { listen: "127.0.0.1:8080" });
  assert.doesNotMatch(all, /split_clients|proxy_pass http:\/\/kdns/);
  assert.match(all, /return 500 "[^\n]*not found\\n";/);
});

const REQUEST_LOG_GOLDEN = new URL("../../../test/gateway/nginx-request-log.golden.conf", import.meta.url);
const withAccessLog = { accessLog: true };

test("with the request log: a tab-separated format, buffered into a file, and every route's locations name the route", async () => {
  const text = renderNginxConfig(tlsTable, { listen: "127.0.0.1:8080", tls: tlsOptions, requestLog: withAccessLog });
  if (process.env.UPDATE_GOLDEN === "1") await writeFile(REQUEST_LOG_GOLDEN, text);
  assert.equal(text, await readFile(REQUEST_LOG_GOLDEN, "utf8"));
  assert.match(text, /^ {4}access_log logs\/kdns-requests\.log kdns buffer=64k flush=1s;$/m);
  assert.match(
    text,
    /^ {4}log_format kdns escape=default '\$server_name\\t\$kdns_path\\t(\$[a-z_]+\\t){9}\$kdns_route';$/m,
  );
  assert.doesNotMatch(text, /access_log off|syslog/);
  // Two locations per prefix, "/" once; each route's served on both listeners (shop.example.com).
  const marked = text.match(/^ {12}set \$kdns_path "[^"]+";$/gm) ?? [];
  assert.equal(
    marked.length,
    2 * 2 + 2 * (2 * 2 + 1),
    "node1 is redirected on plain HTTP, so its routes are marked once",
  );
  assert.equal(text.match(/^ {12}set \$kdns_route "[^"]+";$/gm)?.length, marked.length, "and name their record");
  assert.equal(text.match(/^ {8}set \$kdns_path "";$/gm)?.length, 2, "declared in both default servers");
  // Without it nothing of it is rendered: the rendering of the other golden files.
  assert.equal(renderNginxConfig(table, { listen: "127.0.0.1:8080" }), await readFile(GOLDEN, "utf8"));
});

test("metrics alone: the metrics' six fields, and no route names (nothing per request the access log alone needs)", () => {
  const text = renderNginxConfig(tlsTable, {
    listen: "127.0.0.1:8080",
    tls: tlsOptions,
    requestLog: { accessLog: false },
  });
  assert.match(
    text,
    /^ {4}log_format kdns escape=default '\$server_name\\t\$kdns_path\\t\$request_method\\t\$status\\t\$request_time\\t\$bytes_sent';$/m,
  );
  assert.match(text, /^ {4}access_log logs\/kdns-requests\.log kdns buffer=64k flush=1s;$/m);
  assert.doesNotMatch(text, /kdns_route|\$msec/);
  assert.ok((text.match(/^ {12}set \$kdns_path "[^"]+";$/gm)?.length ?? 0) > 0);
});

test("route names and prefixes are quoted; one nginx would expand is refused", () => {
  const hostile: RouteTable = {
    hosts: [
      {
        host: "a.com",
        routes: [dnsRoute({ prefix: "/x", record: "d/r$host", backends: [{ ip: "10.0.0.1", port: 1 }] })],
      },
    ],
    outcomes: [],
  };
  assert.throws(
    () => renderNginxConfig(hostile, { listen: "127.0.0.1:8080", requestLog: withAccessLog }),
    UnsafeValueError,
  );
  const quoted = structuredClone(hostile);
  quoted.hosts[0]!.routes[0]!.owner = { kind: "DNSRecord", namespace: "d", name: '"r";' };
  assert.match(
    renderNginxConfig(quoted, { listen: "127.0.0.1:8080", requestLog: withAccessLog }),
    /^ {12}set \$kdns_route "d\/\\"r\\";";$/m,
  );
});

test("routes to the same endpoints with the same weights share one upstream; others get their own", () => {
  const route = (name: string, groups: Route["groups"]): Route => ({
    match: { path: { type: "PathPrefix", value: "/" } },
    owner: { kind: "HTTPRoute", namespace: "d", name },
    filters: [],
    groups,
  });
  const one = { weight: 1, target: "t", backends: [{ ip: "10.0.0.1", port: 80 }] };
  const two = { weight: 1, target: "u", backends: [{ ip: "10.0.0.2", port: 80 }] };
  const table: RouteTable = {
    hosts: [
      { host: "a.com", routes: [route("a", [one])] },
      { host: "b.com", routes: [route("b", [one])] },
      { host: "c.com", routes: [route("c", [one, two])] },
      { host: "d.com", routes: [route("d", [{ ...one, weight: 3 }, two])] },
    ],
    outcomes: [],
  };
  const text = renderNginxConfig(table, { listen: "127.0.0.1:8080" });
  const upstreams = [...text.matchAll(/upstream (\S+) \{/g)].map((m) => m[1]);
  assert.equal(upstreams.length, 3, text);
  // The four hosts have one shape, so one server block: a map gives each host its upstream.
  assert.equal(text.match(/proxy_pass http:\/\/\$kdns_s0_0;/g)?.length, 1, text);
  const byHost = [...text.matchAll(/^ {8}"([a-d]\.com)" (\S+);$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(byHost, [
    ["a.com", upstreams[0]],
    ["b.com", upstreams[0]],
    ["c.com", upstreams[1]],
    ["d.com", upstreams[2]],
  ]);
  assert.match(text, /server "10\.0\.0\.1:80" weight=3 max_fails=0;/);
});
