import assert from "node:assert/strict";
import { appendFile, mkdtemp, rename, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { LogTail } from "./log-tail.ts";

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "kdns-log-tail-"));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("lines are handed on once complete: a missing file is waited for, a partial last line waits for its end", () =>
  withDir(async (dir) => {
    const path = join(dir, "x.log");
    const lines: string[] = [];
    const tail = new LogTail({ path, onLine: (l) => lines.push(l) });
    await tail.poll();
    assert.deepEqual(lines, []);
    await writeFile(path, "a\tb\nc");
    await tail.poll();
    assert.deepEqual(lines, ["a\tb"]);
    await appendFile(path, "d\n\ne\n");
    await tail.poll();
    assert.deepEqual(lines, ["a\tb", "cd", "", "e"]);
    await tail.poll();
    assert.equal(lines.length, 4, "nothing read twice");
    await tail.close();
  }));

test("a file truncated under the reader is read again from its start", () =>
  withDir(async (dir) => {
    const path = join(dir, "x.log");
    const lines: string[] = [];
    const tail = new LogTail({ path, onLine: (l) => lines.push(l) });
    await writeFile(path, "one\ntwo\n");
    await tail.poll();
    await truncate(path, 0);
    await appendFile(path, "three\n");
    await tail.poll();
    assert.deepEqual(lines, ["one", "two", "three"]);
    await tail.close();
  }));

test("a file renamed aside by someone else: its late lines are read, then the new file; it is not deleted", () =>
  withDir(async (dir) => {
    const path = join(dir, "x.log");
    const lines: string[] = [];
    const tail = new LogTail({ path, onLine: (l) => lines.push(l), graceMs: 60_000 });
    await writeFile(path, "one\n");
    await tail.poll();
    await rename(path, join(dir, "x.log.old"));
    await appendFile(join(dir, "x.log.old"), "late\n"); // a writer that has not reopened yet
    await writeFile(path, "new\n");
    await tail.poll();
    await appendFile(join(dir, "x.log.old"), "later\n");
    await tail.poll();
    assert.deepEqual(lines.sort(), ["late", "later", "new", "one"]);
    await tail.close();
    assert.ok((await stat(join(dir, "x.log.old"))).isFile());
  }));

test("rotate: past the size the reader renames the file aside, asks for a reopen, reads both and deletes the old one", () =>
  withDir(async (dir) => {
    const path = join(dir, "x.log");
    const lines: string[] = [];
    let reopens = 0;
    const tail = new LogTail({
      path,
      onLine: (l) => lines.push(l),
      graceMs: 0,
      rotate: { bytes: 10, reopen: () => reopens++ },
    });
    await writeFile(path, "0123456789\n");
    await tail.poll();
    assert.equal(reopens, 1);
    const made = await stat(path);
    assert.equal(made.size, 0, "the new file is made empty");
    assert.equal(made.mode & 0o777, 0o600, "for its owner only");
    await appendFile(tail.retiredPath, "flushed at reopen\n");
    await appendFile(path, "after\n"); // the writer reopened its path
    await tail.poll();
    assert.deepEqual(lines, ["0123456789", "flushed at reopen", "after"]);
    await assert.rejects(stat(tail.retiredPath), /ENOENT/, "the old file is deleted once read");
    assert.equal(reopens, 1, "the new file is small");
    await tail.close();
  }));

test("a line longer than any the writer writes is dropped whole; the next is read", () =>
  withDir(async (dir) => {
    const path = join(dir, "x.log");
    const lines: string[] = [];
    const tail = new LogTail({ path, onLine: (l) => lines.push(l) });
    await writeFile(path, "x".repeat(1_500_000));
    await tail.poll();
    await appendFile(path, "yyy\nok\n");
    await tail.poll();
    assert.deepEqual(lines, ["ok"]);
    await tail.close();
  }));
