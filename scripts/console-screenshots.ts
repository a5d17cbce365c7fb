/**
 * Retakes the README's console screenshots (docs/console-overview.png, docs/console-explain.png):
 * a `kdns up` on loopback with the examples, a fake upstream and a loopback backend, a minute of
 * dig traffic for the charts, then the overview and the explain boxes in headless chromium.
 * Run with `node_modules/.bin/node scripts/console-screenshots.ts` after `bash scripts/setup.sh --test-tools`.
 */
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { launchChromium } from "../test/support/browser.ts";
import { childEnv } from "../test/support/child.ts";
import { BIN, NODE, startLoopbackUp } from "../test/support/kdns-up.ts";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..");
const backend = createServer((_q, r) => r.end("ok"));
await new Promise<void>((r) => backend.listen(0, "127.0.0.1", () => r()));
const running = await startLoopbackUp(["--store", "memory"], { readyLine: /console at / });
const { up, dnsPort, upstream } = running;
for (const n of ["example.org", "api.github.com", "registry.npmjs.org"])
  upstream.set(n, "A", { type: "answer", answers: [{ type: "A", ttl: 30, data: "192.0.2.7" }] });
await run(NODE, [BIN, "apply", "-f", resolve(ROOT, "examples"), "--server", up.server], { env: childEnv() });
await fetch(`${up.server}/apis/kdns.dev/v1/namespaces/shop/dnsrecords`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "docs", namespace: "shop" },
    spec: {
      host: "docs.example.com",
      paths: [{ path: "/guide", address: "127.0.0.1", port: (backend.address() as { port: number }).port }],
    },
  }),
});
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`${up.server}/ui/`);
const names = [
  "web.shop.svc.cluster.local",
  "db.shop.svc.cluster.local",
  "example.org",
  "api.github.com",
  "wbe.shop.svc.cluster.local",
  "registry.npmjs.org",
  "docs.example.com",
  "_http._tcp.web.shop.svc.cluster.local",
];
const end = Date.now() + 45_000;
let i = 0;
while (Date.now() < end) {
  const burst = 3 + Math.floor(4 * (1 + Math.sin(i / 5)));
  await Promise.all(
    Array.from({ length: burst }, (_, k) =>
      run("dig", [
        "@127.0.0.1",
        "-p",
        String(dnsPort),
        names[(i + k) % names.length]!,
        k % 3 === 0 ? "SRV" : "A",
        "+tries=1",
        "+time=1",
      ]).catch(() => undefined),
    ),
  );
  i++;
  await new Promise((r) => setTimeout(r, 250));
}
await page.screenshot({ path: resolve(ROOT, "docs/console-overview.png") });
await page.goto(`${up.server}/ui/#/explain`);
await page.getByLabel("Name or IP").fill("wbe.shop.svc.cluster.local");
await page.getByRole("button", { name: "Resolve" }).click();
await page.getByTestId("dns-result").waitFor();
await page.getByLabel("URL").fill("http://docs.example.com/guide/start?page=2");
await page.getByRole("button", { name: "Explain route" }).click();
await page.getByTestId("route-result").waitFor();
await page.screenshot({ path: resolve(ROOT, "docs/console-explain.png"), fullPage: true });
await browser.close();
await running.stop();
backend.close();
