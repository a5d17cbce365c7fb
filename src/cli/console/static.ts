/**
 * The console's files: ui/index.html and the bundle scripts/build-ui.ts writes to ui/dist at
 * install (`npm start`, `npm test`). Served without the API token (they hold no data; the page
 * asks for the token and sends it with every data request), read once and kept in memory.
 */
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join, resolve } from "node:path";
import { ApiError } from "../../machinery/status.ts";

/** Where the console's files are. */
export const UI_DIR = resolve(import.meta.dirname, "../../../ui");

const FILES: Record<string, [file: string, type: string]> = {
  "": ["index.html", "text/html; charset=utf-8"],
  "app.js": ["dist/app.js", "text/javascript; charset=utf-8"],
  "app.css": ["dist/app.css", "text/css; charset=utf-8"],
};

/** Serves `/ui/…`; `/ui` redirects to `/ui/` so relative URLs resolve. */
export function staticFiles(dir = UI_DIR): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const cache = new Map<string, Buffer>();
  return async (req, res, url) => {
    if (req.method !== "GET" && req.method !== "HEAD")
      throw new ApiError(405, "MethodNotAllowed", "the console is read-only: GET only");
    if (url.pathname === "/ui") {
      res.writeHead(308, { location: "/ui/" });
      res.end();
      return;
    }
    const entry = FILES[url.pathname.slice("/ui/".length)];
    if (!entry) throw new ApiError(404, "NotFound", `no console file ${url.pathname}`);
    let body = cache.get(entry[0]);
    if (!body) {
      try {
        body = await readFile(join(dir, entry[0]));
      } catch {
        throw new ApiError(
          503,
          "ServiceUnavailable",
          `the console is not built (${entry[0]} missing): run bash scripts/setup.sh`,
        );
      }
      cache.set(entry[0], body);
    }
    res.writeHead(200, {
      "content-type": entry[1],
      "content-length": body.length,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}
