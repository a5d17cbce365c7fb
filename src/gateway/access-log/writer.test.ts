import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type AccessLogEntry, accessLogLine } from "./entry.ts";
import { openAccessLog } from "./writer.ts";

const entry: AccessLogEntry = {
  time: Date.parse("2026-11-27T15:07:43.123Z"),
  client: "::1",
  host: "shop.test",
  method: "GET",
  path: '/a?"b"\n',
  status: 200,
  bytes: 312,
  duration: 0.0042,
  upstream: "10.0.0.1:80",
  route: "default/site",
};

test("an entry is one JSON line with the fields in a fixed order; a hostile path stays inside its string", () => {
  const line = accessLogLine(entry);
  assert.equal(
    line,
    '{"time":"2026-11-27T15:07:43.123Z","client":"::1","host":"shop.test","method":"GET","path":"/a?\\"b\\"\\n","status":200,"bytes":312,"duration":0.0042,"upstream":"10.0.0.1:80","route":"default/site"}\n',
  );
  assert.equal(line.split("\n").length, 2);
  assert.deepEqual(JSON.parse(line).path, entry.path);
});

test("a file is appended to, never truncated; one that cannot be opened fails with its path", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-access-log-"));
  try {
    const file = join(dir, "access.log");
    await writeFile(file, "earlier\n");
    const log = await openAccessLog(file);
    log.write(entry);
    log.write({ ...entry, status: 404, upstream: null, route: null });
    await log.close();
    const lines = (await readFile(file, "utf8")).split("\n");
    assert.equal(lines[0], "earlier");
    assert.equal(JSON.parse(lines[2]!).status, 404);
    assert.equal(JSON.parse(lines[2]!).route, null);
    assert.equal((await stat(file)).isFile(), true);
    await assert.rejects(openAccessLog(join(dir, "missing", "access.log")), /cannot open access log .*missing.*ENOENT/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("reopen: after a rename the next lines go to a new file at the path, the earlier ones stay in the renamed one", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-access-log-"));
  try {
    const file = join(dir, "access.log");
    const log = await openAccessLog(file);
    log.write({ ...entry, path: "/before" });
    await rename(file, `${file}.1`);
    log.write({ ...entry, path: "/between" }); // written before the reopen: the old file's
    await log.reopen();
    log.write({ ...entry, path: "/after" });
    await log.close();
    const paths = async (f: string) =>
      (await readFile(f, "utf8"))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).path);
    assert.deepEqual(await paths(`${file}.1`), ["/before", "/between"]);
    assert.deepEqual(await paths(file), ["/after"]);
    // A path that cannot be opened any more: the old file keeps the lines.
    const gone = join(dir, "sub");
    await mkdir(gone);
    const other = await openAccessLog(join(gone, "a.log"));
    await rm(gone, { recursive: true });
    await other.reopen();
    other.write(entry);
    await other.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
