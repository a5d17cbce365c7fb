/**
 * Bundles the console (ui/src → ui/dist/app.js and app.css) with esbuild: preact, htm and uPlot
 * are bundled in, so the page loads nothing from elsewhere. Run by scripts/setup.sh (so by
 * `npm start` and `npm test`); skipped when the bundle is newer than every source.
 */
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const UI = resolve(import.meta.dirname, "../ui");
const OUT = join(UI, "dist");

async function newest(dir: string): Promise<number> {
  let latest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return latest;
}

const built = await stat(join(OUT, "app.js")).then(
  (s) => s.mtimeMs,
  () => 0,
);
if (built === 0 || (await newest(join(UI, "src"))) > built || process.argv.includes("--force")) {
  await build({
    entryPoints: { app: join(UI, "src/main.js") },
    bundle: true,
    format: "esm",
    minify: true,
    sourcemap: false,
    target: ["es2022"],
    outdir: OUT,
    logLevel: "warning",
  });
  process.stderr.write("setup: console bundled into ui/dist\n");
}
