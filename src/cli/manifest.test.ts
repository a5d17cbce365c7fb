import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CliError } from "./errors.ts";
import { loadManifests, parseManifest } from "./manifest.ts";

test("a multi-document YAML stream yields each object and skips empty documents", () => {
  const text =
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n";
  const objs = parseManifest(text, "x.yaml");
  assert.deepEqual(
    objs.map((o) => o.object.kind),
    ["Namespace", "Service"],
  );
  assert.equal(objs[0]?.source, "x.yaml");
});

test("List kinds are flattened, nested lists too", () => {
  const list = {
    apiVersion: "v1",
    kind: "List",
    items: [
      { kind: "Pod", metadata: { name: "p" } },
      { kind: "ServiceList", items: [{ kind: "Service", metadata: { name: "s" } }] },
    ],
  };
  assert.deepEqual(
    parseManifest(JSON.stringify(list), "l.json").map((o) => o.object.kind),
    ["Pod", "Service"],
  );
});

test("JSON, including the flat kind: DNS form, parses as is", () => {
  const flat = {
    kind: "DNS",
    apiVersion: "v1",
    name: "dns-test1",
    host: "node1.com",
    paths: [{ address: "10.1.1.10", service: "service1", port: 8010 }],
  };
  const [only] = parseManifest(JSON.stringify(flat, null, 2), "dns.json");
  assert.deepEqual(only?.object, flat);
});

test("syntax errors and non-objects are one CliError naming the source", () => {
  assert.throws(
    () => parseManifest("a: [1, 2\n", "bad.yaml"),
    (e: unknown) => e instanceof CliError && e.message.includes("bad.yaml"),
  );
  assert.throws(() => parseManifest("- 1\n- 2\n", "list.yaml"), /expected an object, got a list/);
  assert.throws(
    () => parseManifest("kind: Secret\nstringData:\n  password: hunter2-value\n bad: x\n", "secret.yaml"),
    (e: unknown) =>
      e instanceof CliError &&
      e.message === "error parsing secret.yaml: All mapping items must start at the same column at line 4, column 1",
  );
});

test("a directory reads its .yaml/.yml/.json files in name order; - reads stdin", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-manifest-"));
  try {
    await writeFile(join(dir, "b.yml"), "kind: B\n");
    await writeFile(join(dir, "a.json"), '{"kind":"A"}');
    await writeFile(join(dir, "c.yaml"), "kind: C\n---\nkind: D\n");
    await writeFile(join(dir, "notes.txt"), "kind: Ignored\n");
    const objs = await loadManifests([dir, "-"], async () => "kind: E\n");
    assert.deepEqual(
      objs.map((o) => o.object.kind),
      ["A", "B", "C", "D", "E"],
    );
    await assert.rejects(loadManifests([join(dir, "missing.yaml")]), /does not exist/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
