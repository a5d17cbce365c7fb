/**
 * No dead links in the documentation: README.md, docs/**\/*.md and every src/**\/README.md. A
 * relative link must name a file or folder that exists inside the repository; links to the web
 * (`https:`, `mailto:` …) and anchors within the same page are not followed. A relative path written
 * as code (`` `../x/y.md` ``) may not leave the repository either: a clone has nothing there.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The Markdown files whose links are checked, relative to the repository root. */
function documents(): string[] {
  const out = ["README.md"];
  const under = (dir: string, keep: (file: string) => boolean): void => {
    if (!existsSync(join(ROOT, dir))) return;
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })) {
      const file = join(dir, entry);
      if (keep(file)) out.push(file);
    }
  };
  under("docs", (f) => f.endsWith(".md"));
  under("src", (f) => f.endsWith(`${sep}README.md`));
  return out.sort();
}

/** One link of a document: its target as written and the line it is on. */
interface Link {
  target: string;
  line: number;
}

/**
 * The link targets of a Markdown text: inline links and images `[text](target "title")`, and
 * reference definitions `[label]: target`. Fenced code blocks and inline code spans are skipped.
 */
function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((raw, i) => {
    const opens = /^\s*(`{3,}|~{3,})/.exec(raw);
    if (opens) {
      if (fence === undefined) fence = opens[1]![0]!;
      else if (opens[1]![0] === fence) fence = undefined;
      return;
    }
    if (fence !== undefined) return;
    const text = raw.replace(/(`+)[^`]*?\1/g, "");
    for (const m of text.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+["'(][^)]*)?\)/g)) {
      links.push({ target: m[1]!.replace(/^<|>$/g, ""), line: i + 1 });
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(text);
    if (definition) links.push({ target: definition[1]!.replace(/^<|>$/g, ""), line: i + 1 });
  });
  return links;
}

/** Why a link of `document` is broken, or undefined when it is fine (or not a relative link). */
function brokenLink(document: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) return undefined;
  const path = decodeURIComponent(target.replace(/[?#].*$/, ""));
  if (path === "") return undefined;
  if (isAbsolute(path)) return "an absolute path; use one relative to the document";
  const at = resolve(ROOT, dirname(document), path);
  const inside = relative(ROOT, at);
  if (inside.startsWith("..") || isAbsolute(inside)) return "points outside the repository";
  if (!existsSync(at)) return "no such file";
  return undefined;
}

test("the link reader finds inline, image and reference links, and skips code", () => {
  const md = [
    "See [a](docs/a.md) and ![b](img/b.svg 'title') and [c](<docs/c d.md>).",
    "Not `[x](inline-code.md)`.",
    "```",
    "[y](fenced.md)",
    "```",
    "[ref]: ../ref.md",
    "[web](https://example.com) [here](#anchor)",
  ].join("\n");
  assert.deepEqual(
    linksOf(md).map((l) => `${l.line}:${l.target}`),
    ["1:docs/a.md", "1:img/b.svg", "1:docs/c d.md", "6:../ref.md", "7:https://example.com", "7:#anchor"],
  );
});

test("a link is broken when its target is missing or outside the repository", () => {
  assert.equal(brokenLink("README.md", "docs/architecture.md"), undefined);
  assert.equal(brokenLink("docs/architecture.md", "../src/gateway/README.md#semantics"), undefined);
  assert.equal(brokenLink("README.md", "https://example.com/x.md"), undefined);
  assert.equal(brokenLink("README.md", "#design"), undefined);
  assert.equal(brokenLink("README.md", "docs/missing.md"), "no such file");
  assert.equal(brokenLink("README.md", "../beside-the-repo/notes.md"), "points outside the repository");
  assert.equal(brokenLink("src/dns/plugins/hosts/README.md", "../../../../../x.md"), "points outside the repository");
  assert.equal(brokenLink("README.md", "/etc/passwd"), "an absolute path; use one relative to the document");
});

test("every relative link in the documentation names a file in the repository", () => {
  const docs = documents();
  assert.ok(docs.includes(join("docs", "architecture.md")), "docs/architecture.md is checked");
  assert.ok(docs.includes(join("src", "dns", "plugins", "hosts", "README.md")), "plugin READMEs are checked");
  const broken: string[] = [];
  for (const doc of docs) {
    for (const link of linksOf(readFileSync(join(ROOT, doc), "utf8"))) {
      const why = brokenLink(doc, link.target);
      if (why !== undefined) broken.push(`${doc}:${link.line}: ${link.target}: ${why}`);
    }
  }
  assert.deepEqual(broken, []);
});

/** Relative paths written as code spans (`` `../a/b.md` ``), with their line numbers. */
export function codePathsOf(markdown: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  markdown.split("\n").forEach((text, i) => {
    for (const m of text.matchAll(/`((?:\.\.\/)+[^`\s]*)`/g)) out.push({ line: i + 1, target: m[1]! });
  });
  return out;
}

test("a relative path written as code is read like a link", () => {
  assert.deepEqual(codePathsOf("see `../beside/x.md` and `src/a.ts`\nor `../../y`"), [
    { line: 1, target: "../beside/x.md" },
    { line: 2, target: "../../y" },
  ]);
});

test("no document names a path outside the repository, even as code", () => {
  const outside: string[] = [];
  for (const doc of documents()) {
    for (const path of codePathsOf(readFileSync(join(ROOT, doc), "utf8"))) {
      if (brokenLink(doc, path.target) === "points outside the repository")
        outside.push(`${doc}:${path.line}: ${path.target}`);
    }
  }
  assert.deepEqual(outside, []);
});
