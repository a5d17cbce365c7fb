import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultHTTPRoute } from "../defaults/gateway-api.ts";
import type { KubeObject } from "../types.ts";
import { validateHTTPRoute } from "./http-route.ts";

function route(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "r", namespace: "default" },
    spec: { parentRefs: [{ name: "gw" }], ...spec },
  };
}
const check = (spec: Record<string, unknown>) => {
  const obj = route(spec);
  defaultHTTPRoute(obj);
  return validateHTTPRoute(obj);
};
const fields = (spec: Record<string, unknown>) => check(spec).map((c) => c.field);
const backend = { name: "web", port: 8080 };

test("upstream's HTTPRoute examples pass, and defaulting fills the upstream defaults", () => {
  assert.deepEqual(
    check({
      hostnames: ["foo.example.com", "*.example.org"],
      rules: [
        {
          matches: [
            { path: { type: "Exact", value: "/v2/example" }, headers: [{ name: "version", value: "two" }] },
            { queryParams: [{ name: "animal", value: "whale" }], method: "POST" },
          ],
          filters: [
            {
              type: "RequestHeaderModifier",
              requestHeaderModifier: { set: [{ name: "X-A", value: "1" }], remove: ["X-B"] },
            },
            {
              type: "URLRewrite",
              urlRewrite: { hostname: "elsewhere.example", path: { type: "ReplaceFullPath", replaceFullPath: "/new" } },
            },
          ],
          backendRefs: [
            { ...backend, weight: 90 },
            { name: "web2", port: 80, weight: 10 },
          ],
        },
        {
          matches: [{ path: { type: "PathPrefix", value: "/old" } }],
          filters: [
            {
              type: "RequestRedirect",
              requestRedirect: {
                scheme: "https",
                statusCode: 301,
                path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/new" },
              },
            },
          ],
        },
      ],
    }),
    [],
  );
  const obj = route({ rules: [{ backendRefs: [backend] }] });
  defaultHTTPRoute(obj);
  assert.deepEqual(obj["spec"], {
    parentRefs: [{ name: "gw", group: "gateway.networking.k8s.io", kind: "Gateway" }],
    rules: [
      {
        matches: [{ path: { type: "PathPrefix", value: "/" } }],
        backendRefs: [{ name: "web", port: 8080, group: "", kind: "Service", weight: 1 }],
      },
    ],
  });
  const bare = route({});
  defaultHTTPRoute(bare);
  assert.deepEqual((bare["spec"] as { rules: unknown }).rules, [
    { matches: [{ path: { type: "PathPrefix", value: "/" } }] },
  ]);
});

test("weights are integers 0..1000000; a Service backend needs a port", () => {
  assert.deepEqual(
    fields({
      rules: [
        {
          backendRefs: [
            { ...backend, weight: 0 },
            { ...backend, name: "b", weight: 1_000_000 },
          ],
        },
      ],
    }),
    [],
  );
  for (const weight of [-1, 1_000_001, 1.5, "5"])
    assert.deepEqual(
      fields({ rules: [{ backendRefs: [{ ...backend, weight }] }] }),
      ["spec.rules[0].backendRefs[0].weight"],
      String(weight),
    );
  assert.deepEqual(fields({ rules: [{ backendRefs: [{ name: "web" }] }] }), ["spec.rules[0].backendRefs[0].port"]);
  assert.match(
    check({ rules: [{ backendRefs: [{ name: "web" }] }] })[0]?.message ?? "",
    /Must have port for Service reference/,
  );
});

test("hostile hostnames, paths, header names and values are refused with a field cause", () => {
  const hostnames = [
    "a.com;}",
    "*.*.a.com",
    "a.*.com",
    "*",
    "127.0.0.1",
    "A.COM",
    "a.com:80",
    "ex$ample.com",
    "a.com\n",
    `${"a".repeat(64)}.com`,
    "exämple.com",
    ".a.com",
  ];
  for (const h of hostnames) assert.deepEqual(fields({ hostnames: [h] }), ["spec.hostnames[0]"], JSON.stringify(h));
  const paths = [
    "/foo;}location /x {alias /var/run/secrets/;}",
    "/x$host",
    "/x#frag",
    "/a//b",
    "/a/../b",
    "/%2e%2e/",
    "relative",
    "/x\n}",
    `/${"a".repeat(2000)}`,
    "/x'",
  ];
  for (const value of paths) {
    const f = fields({ rules: [{ matches: [{ path: { type: "PathPrefix", value } }], backendRefs: [backend] }] });
    assert.ok(f.includes("spec.rules[0].matches[0].path.value"), JSON.stringify(value));
  }
  for (const name of ["X-A\r\nEvil", "x$host", "a b", "", "x'y"]) {
    const f = fields({ rules: [{ matches: [{ headers: [{ name, value: "v" }] }], backendRefs: [backend] }] });
    assert.ok(f.includes("spec.rules[0].matches[0].headers[0].name"), JSON.stringify(name));
  }
  for (const value of ["a\r\nX-Injected: 1", "$host", "a\u0000", "x".repeat(4097)]) {
    const f = fields({
      rules: [
        {
          filters: [{ type: "ResponseHeaderModifier", responseHeaderModifier: { add: [{ name: "X-A", value }] } }],
          backendRefs: [backend],
        },
      ],
    });
    assert.deepEqual(
      f,
      ["spec.rules[0].filters[0].responseHeaderModifier.add[0].value"],
      JSON.stringify(value).slice(0, 40),
    );
  }
  assert.deepEqual(
    fields({
      rules: [
        {
          filters: [{ type: "URLRewrite", urlRewrite: { path: { type: "ReplaceFullPath", replaceFullPath: "/a;b" } } }],
        },
      ],
    }),
    ["spec.rules[0].filters[0].urlRewrite.path.replaceFullPath"],
  );
  assert.deepEqual(
    fields({ rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { hostname: "*.a.com" } }] }] }),
    ["spec.rules[0].filters[0].requestRedirect.hostname"],
  );
});

test("filter combinations follow the CRD's rules", () => {
  const redirect = { type: "RequestRedirect", requestRedirect: { scheme: "https" } };
  const rewrite = { type: "URLRewrite", urlRewrite: { hostname: "a.com" } };
  assert.match(
    check({ rules: [{ filters: [redirect], backendRefs: [backend] }] })[0]?.message ?? "",
    /must not be used together with backendRefs/,
  );
  assert.match(check({ rules: [{ filters: [redirect, rewrite] }] })[0]?.message ?? "", /not both/);
  assert.match(check({ rules: [{ filters: [rewrite, rewrite] }] })[0]?.message ?? "", /cannot be repeated/);
  const prefix = { type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/x" } } };
  assert.deepEqual(
    fields({ rules: [{ matches: [{ path: { value: "/a" } }], filters: [prefix], backendRefs: [backend] }] }),
    [],
  );
  assert.deepEqual(
    fields({
      rules: [{ matches: [{ path: { type: "Exact", value: "/a" } }], filters: [prefix], backendRefs: [backend] }],
    }),
    ["spec.rules[0].matches"],
  );
  assert.deepEqual(
    fields({ rules: [{ matches: [{ path: { value: "/a" } }, { path: { value: "/b" } }], filters: [prefix] }] }),
    ["spec.rules[0].matches"],
  );
  assert.deepEqual(fields({ rules: [{ filters: [{ type: "URLRewrite", requestRedirect: {} }] }] }), [
    "spec.rules[0].filters[0].requestRedirect",
    "spec.rules[0].filters[0].urlRewrite",
  ]);
  assert.deepEqual(
    fields({
      rules: [
        {
          filters: [{ type: "URLRewrite", urlRewrite: { path: { type: "ReplaceFullPath", replacePrefixMatch: "/" } } }],
        },
      ],
    }),
    [
      "spec.rules[0].filters[0].urlRewrite.path.replacePrefixMatch",
      "spec.rules[0].filters[0].urlRewrite.path.replaceFullPath",
    ],
  );
  assert.deepEqual(
    fields({ rules: [{ filters: [{ type: "RequestMirror", requestMirror: { backendRef: backend } }] }] }),
    ["spec.rules[0].filters[0].type"],
  );
  assert.deepEqual(
    fields({ rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { statusCode: 304 } }] }] }),
    ["spec.rules[0].filters[0].requestRedirect.statusCode"],
  );
});

test("regular expressions, unknown methods and per-backend filters are refused; limits hold", () => {
  assert.deepEqual(fields({ rules: [{ matches: [{ path: { type: "RegularExpression", value: "/a.*" } }] }] }), [
    "spec.rules[0].matches[0].path.type",
  ]);
  assert.deepEqual(
    fields({ rules: [{ matches: [{ headers: [{ type: "RegularExpression", name: "a", value: "b" }] }] }] }),
    ["spec.rules[0].matches[0].headers[0].type"],
  );
  assert.deepEqual(fields({ rules: [{ matches: [{ method: "BREW" }] }] }), ["spec.rules[0].matches[0].method"]);
  assert.deepEqual(
    fields({
      rules: [
        { backendRefs: [{ ...backend, filters: [{ type: "RequestHeaderModifier", requestHeaderModifier: {} }] }] },
      ],
    }),
    ["spec.rules[0].backendRefs[0].filters"],
  );
  assert.deepEqual(fields({ hostnames: Array.from({ length: 17 }, (_, i) => `h${i}.com`) }), ["spec.hostnames"]);
  assert.deepEqual(fields({ rules: Array.from({ length: 17 }, () => ({})) }), ["spec.rules"]);
  const many = Array.from({ length: 60 }, (_, i) => ({ path: { value: `/p${i}` } }));
  assert.deepEqual(fields({ rules: [{ matches: many }, { matches: many }, { matches: many.slice(0, 9) }] }), [
    "spec.rules",
  ]);
});

test("parentRefs: two to one Gateway need different sectionNames; names and namespaces are checked", () => {
  assert.deepEqual(
    fields({
      parentRefs: [
        { name: "gw", sectionName: "a" },
        { name: "gw", sectionName: "b" },
      ],
    }),
    [],
  );
  assert.deepEqual(fields({ parentRefs: [{ name: "gw" }, { name: "gw", sectionName: "b" }] }), [
    "spec.parentRefs[1].sectionName",
  ]);
  assert.deepEqual(
    fields({
      parentRefs: [
        { name: "gw", sectionName: "a" },
        { name: "gw", sectionName: "a" },
      ],
    }),
    ["spec.parentRefs[1].sectionName"],
  );
  assert.deepEqual(
    fields({ parentRefs: [{ name: "gw", namespace: "Bad_NS" }, { name: "a;b" }, { name: "gw2", port: 0 }] }),
    ["spec.parentRefs[0].namespace", "spec.parentRefs[1].name", "spec.parentRefs[2].port"],
  );
});
