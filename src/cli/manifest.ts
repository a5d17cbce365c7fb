/**
 * Reading manifests for `apply -f` and `delete -f`: files, directories (their .yaml/.yml/.json
 * files, sorted, not recursive — as kubectl without `-R`) and `-` for stdin; YAML streams of
 * several documents or JSON; `*List` kinds are flattened into their items.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { CliError } from "./errors.ts";

/** One object read from a manifest, with where it came from (for error messages). */
export interface ManifestObject {
  source: string;
  object: Record<string, unknown>;
}

const EXTENSIONS = [".yaml", ".yml", ".json"];

/**
 * Objects of one manifest text (YAML stream or JSON), `List`s flattened, empty documents skipped.
 * A syntax error names its line and column only: the parser's code frame would print the lines
 * around it, which may be a Secret's values (its warnings, which do the same, are off).
 */
export function parseManifest(text: string, source: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  const docs = parseAllDocuments(text, { logLevel: "error" });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const first = doc.errors[0];
    if (first) throw new CliError(`error parsing ${source}: ${first.message.split("\n")[0]?.replace(/:$/, "")}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    flatten(value, source, out);
  }
  return out;
}

function flatten(value: unknown, source: string, out: ManifestObject[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CliError(
      `error parsing ${source}: expected an object, got ${Array.isArray(value) ? "a list" : JSON.stringify(value)}`,
    );
  }
  const obj = value as Record<string, unknown>;
  if (typeof obj.kind === "string" && obj.kind.endsWith("List") && Array.isArray(obj.items)) {
    for (const item of obj.items) flatten(item, source, out);
    return;
  }
  out.push({ source, object: obj });
}

/** Reads every `-f` argument in order; `readStdin` supplies `-`. */
export async function loadManifests(
  paths: string[],
  readStdin: () => Promise<string> = readAllStdin,
): Promise<ManifestObject[]> {
  const out: ManifestObject[] = [];
  for (const path of paths) {
    if (path === "-") {
      out.push(...parseManifest(await readStdin(), "stdin"));
      continue;
    }
    let isDir: boolean;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch {
      throw new CliError(`the path "${path}" does not exist`);
    }
    const files = isDir
      ? (await readdir(path))
          .filter((f) => EXTENSIONS.some((e) => f.endsWith(e)))
          .sort()
          .map((f) => join(path, f))
      : [path];
    for (const file of files) out.push(...parseManifest(await readFile(file, "utf8"), file));
  }
  return out;
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
