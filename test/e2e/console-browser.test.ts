/**
 * The console in a real browser (Debian's chromium, headless, through playwright-core) against
 * a real `kdns up`: the overview renders without console errors, a Service created through the
 * API appears within 2 s, a real dig shows in the live query stream within 2 s, the resolve and
 * route boxes show explanations. Screenshots of every page at desktop and phone widths go to
 * test-artifacts/console/ (not committed).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../support/browser.ts";
import { childEnv } from "../support/child.ts";
import { requireDig } from "../support/dig.ts";
import { type FakeUpstream, startFakeUpstream } from "../support/fake-upstream.ts";
import { freePort } from "../support/free-port.ts";
import { BIN, gatewayArgs, type KdnsUp, NODE, startKdnsUp } from "../support/kdns-up.ts";
import { listenOrFail } from "../support/listen.ts";
import { waitFor } from "../support/wait-for.ts";

const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts/console");
const run = promisify(execFile);

let up: KdnsUp | undefined;
let upstream: FakeUpstream | undefined;
let browser: Browser | undefined;
let page: Page;
let dnsPort = 0;
const backend = createServer((_req, res) => res.end("backend\n"));
const errors: string[] = [];

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${up!.server}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res;
}

async function shoot(name: string): Promise<void> {
  for (const [label, width, height] of [
    ["desktop", 1280, 860],
    ["phone", 390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(150); // one frame for the charts to take the new width
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 860 });
}

before(async () => {
  requireDig();
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
  upstream = await startFakeUpstream();
  upstream.set("example.org", "A", { type: "answer", answers: [{ type: "A", ttl: 300, data: "192.0.2.7" }] });
  await listenOrFail(backend, 0, "127.0.0.1");
  dnsPort = await freePort();
  const apiPort = await freePort();
  const gatewayPort = await freePort();
  up = await startKdnsUp({
    args: [
      "--store",
      "memory",
      "--api-listen",
      `127.0.0.1:${apiPort}`,
      "--dns-listen",
      `127.0.0.1:${dnsPort}`,
      "--upstream",
      `${upstream.host}:${upstream.port}`,
      ...gatewayArgs(gatewayPort),
    ],
    readyLine: /console at /,
  });
  const examples = resolve(import.meta.dirname, "../../examples");
  await run(NODE, [BIN, "apply", "-f", examples, "--server", up.server], { env: childEnv() });
  const port = (backend.address() as { port: number }).port;
  await api("POST", "/apis/kdns.dev/v1/namespaces/shop/dnsrecords", {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name: "docs", namespace: "shop" },
    spec: { host: "docs.example.com", paths: [{ path: "/guide", address: "127.0.0.1", port }] },
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
});

after(async () => {
  await browser?.close();
  await up?.stop();
  await upstream?.close();
  backend.close();
});

test("the overview renders live, with no console errors", async () => {
  await page.goto(`${up!.server}/ui/`);
  await page.getByRole("heading", { name: "Overview" }).waitFor({ timeout: 5000 });
  await page.locator(".state.live").waitFor({ timeout: 5000 });
  // Figures arrive each second; wait for the first.
  await page.locator(".figure", { hasText: "services" }).waitFor({ timeout: 5000 });
  await page.locator(".informers li").first().waitFor({ timeout: 5000 });
  await run("dig", ["@127.0.0.1", "-p", String(dnsPort), "example.org", "+tries=1", "+time=2"]);
  await page.locator(".u-over").first().waitFor({ timeout: 5000 });
  await shoot("overview");
  assert.deepEqual(errors, []);
});

test("keyboard: the skip link comes first, and Tab and Enter reach every page", async () => {
  await page.goto(`${up!.server}/ui/#/overview`);
  await page.getByRole("heading", { name: "Overview" }).waitFor({ timeout: 5000 });
  const focused = () => page.locator(":focus").textContent();
  await page.keyboard.press("Tab");
  assert.equal(await focused(), "Skip to content");
  for (const _ of ["kdns", "Overview", "Services"]) await page.keyboard.press("Tab");
  assert.equal(await focused(), "Services");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: /Services/ }).waitFor({ timeout: 2000 });
  assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), "Services");
});

test("a Service created through the API appears within 2 s", async () => {
  await page.goto(`${up!.server}/ui/#/services`);
  await page.getByRole("heading", { name: /Services/ }).waitFor({ timeout: 5000 });
  await page.getByRole("rowheader", { name: "shop/web" }).waitFor({ timeout: 5000 });
  await api("POST", "/api/v1/namespaces/shop/services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "cart", namespace: "shop" },
    spec: { ports: [{ name: "http", port: 8080 }] },
  });
  await page.getByRole("rowheader", { name: "shop/cart" }).waitFor({ timeout: 2000 });
  await page.getByText("cart.shop.svc.cluster.local", { exact: true }).waitFor({ timeout: 2000 });
  await shoot("services");
});

test("the routes page shows DNSRecords with their Served state", async () => {
  await page.goto(`${up!.server}/ui/#/routes`);
  const row = page.getByRole("row", { name: /DNSRecord shop\/docs/ });
  await row.getByText("✓ Served").waitFor({ timeout: 5000 });
  await shoot("routes");
});

test("a dig shows in the live query stream within 2 s, and the filter narrows it", async () => {
  await page.goto(`${up!.server}/ui/#/queries`);
  await page.locator('[data-stream="live"]').waitFor({ timeout: 5000 });
  const name = "web.shop.svc.cluster.local";
  await run("dig", ["@127.0.0.1", "-p", String(dnsPort), name, "+tries=1", "+time=2"]);
  await run("dig", ["@127.0.0.1", "-p", String(dnsPort), "example.org", "+tries=1", "+time=2"]);
  await page.getByRole("rowheader", { name }).first().waitFor({ timeout: 2000 });
  await page.getByLabel("Filter by name or client").fill("example.org");
  await page.getByRole("rowheader", { name }).first().waitFor({ state: "detached", timeout: 2000 });
  assert.ok((await page.getByRole("rowheader", { name: "example.org" }).count()) >= 1);
  await page.getByLabel("Filter by name or client").fill("");
  await shoot("queries");
});

test("the resolve and route boxes show the explanations", async () => {
  await page.goto(`${up!.server}/ui/#/explain`);
  await page.getByLabel("Name or IP").fill("wbe.shop.svc.cluster.local");
  await page.getByRole("button", { name: "Resolve" }).click();
  const dns = page.getByTestId("dns-result");
  await dns.locator(".hint", { hasText: "did you mean web?" }).waitFor({ timeout: 5000 });
  await page.getByLabel("Name or IP").fill("web.shop.svc.cluster.local");
  await page.getByLabel("Name or IP").press("Enter");
  await dns.getByText("Service shop/web is ClusterIP", { exact: false }).waitFor({ timeout: 5000 });
  await page.getByLabel("URL").fill("http://docs.example.com/guide/start");
  await page.getByRole("button", { name: "Explain route" }).click();
  const route = page.getByTestId("route-result");
  await route.getByText("proxied to a backend").waitFor({ timeout: 5000 });
  assert.match((await route.textContent()) ?? "", /\/guide\/start → \/start/);
  // A pod of shop/web that is not ready: listed apart, and not a backend.
  await api("POST", "/api/v1/namespaces/shop/pods", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-2", namespace: "shop", labels: { app: "web" } },
    spec: { containers: [{ name: "web", ports: [{ name: "http", containerPort: 8080 }] }] },
    status: { phase: "Running", podIP: "10.1.0.6", conditions: [{ type: "Ready", status: "False" }] },
  });
  await page.getByLabel("URL").fill("http://shop.example.com/api/x");
  await waitFor(
    async () => {
      await page.getByRole("button", { name: "Explain route" }).click();
      await route.getByText("http://shop.example.com/api/x", { exact: true }).waitFor({ timeout: 5000 });
      return ((await route.textContent()) ?? "").includes("10.1.0.6:8080 (not routed to)");
    },
    { timeoutMs: 10_000, what: "the not-ready pod in the route box" },
  );
  assert.match((await route.textContent()) ?? "", /Backends10\.1\.0\.5:8080/);
  await page.getByLabel("URL").fill("http://docs.example.com/guide/start");
  await page.getByRole("button", { name: "Explain route" }).click();
  await route.getByText("proxied to a backend").waitFor({ timeout: 5000 });
  await shoot("explain");
  assert.deepEqual(errors, []);
});

test("with an API token, the page asks for it and then shows the cluster", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-console-token-"));
  await writeFile(join(dir, "tokens"), "s3cret,admin\n");
  const secured = await startKdnsUp({
    args: [
      "--store",
      "memory",
      "--token-file",
      join(dir, "tokens"),
      "--api-listen",
      `127.0.0.1:${await freePort()}`,
      "--dns-listen",
      `127.0.0.1:${await freePort()}`,
      "--upstream",
      `${upstream!.host}:${upstream!.port}`,
      "--gateway",
      "none",
    ],
    readyLine: /console at /,
  });
  // The API serves https with a CA it generated; this browser context trusts it blindly.
  const context = await browser!.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 860 } });
  try {
    const tokenPage = await context.newPage();
    await tokenPage.goto(`${secured.server}/ui/`);
    await tokenPage.getByLabel("API token").fill("wrong");
    await tokenPage.getByRole("button", { name: "Sign in" }).click();
    await tokenPage.getByRole("alert").getByText("The API refused that token.").waitFor({ timeout: 5000 });
    await tokenPage.screenshot({ path: join(ARTIFACTS, "token-desktop.png") });
    await tokenPage.getByLabel("API token").fill("s3cret");
    await tokenPage.getByRole("button", { name: "Sign in" }).click();
    await tokenPage.locator(".state.live").waitFor({ timeout: 5000 });
    await tokenPage.locator(".figure", { hasText: "namespaces" }).waitFor({ timeout: 5000 });
  } finally {
    await context.close();
    await secured.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
