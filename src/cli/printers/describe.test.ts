import assert from "node:assert/strict";
import { test } from "node:test";
import type { ConfigMap, DNSRecord, Secret } from "../../api/types.ts";
import { describeConfigMap, describeDNSRecord, describeSecret } from "./describe.ts";

const VALUE = "hunter2-TOP-SECRET";
const b64 = (s: string) => Buffer.from(s).toString("base64");

test("a Secret is described by type and byte counts; no value, not even in the last-applied annotation", () => {
  const secret: Secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "creds",
      namespace: "shop",
      annotations: { "kubectl.kubernetes.io/last-applied-configuration": `{"stringData":{"p":"${VALUE}"}}` },
    },
    type: "Opaque",
    data: { password: b64(VALUE), user: b64("admin"), empty: "" },
  };
  const text = describeSecret(secret);
  assert.equal(
    text,
    [
      "Name:         creds",
      "Namespace:    shop",
      "Labels:       <none>",
      "Annotations:  <none>",
      "",
      "Type:  Opaque",
      "",
      "Data",
      "====",
      "empty:     0 bytes",
      "password:  18 bytes",
      "user:      5 bytes",
      "",
    ].join("\n"),
  );
  assert.ok(!text.includes(VALUE) && !text.includes(b64(VALUE)));
  assert.match(describeSecret({ ...secret, data: {} }), /Data\n====\n$/);
});

test("a ConfigMap is described as kubectl does: text values in full, binary ones by size", () => {
  const cm: ConfigMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "settings", namespace: "shop", labels: { app: "web" } },
    data: { "b.conf": "x=1", "a.properties": "k=v\nz=2" },
    binaryData: { "logo.png": "AAEC" },
  };
  assert.equal(
    describeConfigMap(cm),
    [
      "Name:         settings",
      "Namespace:    shop",
      "Labels:       app=web",
      "Annotations:  <none>",
      "",
      "Data",
      "====",
      "a.properties:",
      "----",
      "k=v",
      "z=2",
      "",
      "b.conf:",
      "----",
      "x=1",
      "",
      "BinaryData",
      "====",
      "logo.png: 3 bytes",
      "",
    ].join("\n"),
  );
});

test("a DNSRecord shows its TLS Secret and redirect, or <none>", () => {
  const rec: DNSRecord = {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "site", namespace: "shop" },
    spec: { host: "shop.example.com", paths: [{ path: "/", service: "web", port: 80 }] },
  };
  assert.match(describeDNSRecord(rec), /^TLS Secret:\s+<none>$/m);
  assert.doesNotMatch(describeDNSRecord(rec), /HTTP Redirect/);
  const tls = describeDNSRecord({
    ...rec,
    spec: { ...rec.spec, tls: { secretName: "site-tls", httpRedirect: false } },
  });
  assert.match(tls, /^TLS Secret:\s+site-tls$/m);
  assert.match(tls, /^HTTP Redirect:\s+false$/m);
});
