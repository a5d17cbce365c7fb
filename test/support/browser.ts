/**
 * Debian's chromium driven headless through playwright-core, for the console's browser test.
 * The browser is the system package (playwright's own builds are not downloaded).
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Where Debian's chromium package puts the browser. */
const CANDIDATES = ["/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser"];

/** Launches headless chromium; throws with the install command when it is missing. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = CANDIDATES.find((p) => existsSync(p));
  if (!executablePath) throw new Error("chromium is not installed: run `apt-get install -y chromium`");
  // As root chromium refuses to start with its sandbox.
  return await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
}
