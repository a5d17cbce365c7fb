/** A process's resident memory by kind, from Linux's /proc (bytes). */
import { readFile, stat } from "node:fs/promises";

/** Resident memory of one process, split by what backs it. */
export interface MemoryBreakdown {
  rss: number;
  /** The high-water mark of `rss`. */
  peak: number;
  /** Anonymous pages: the V8 heap, native allocations, stacks. */
  anon: number;
  /** Pages of mapped files: the program, its libraries and LMDB's data file. */
  file: number;
  shmem: number;
  /** Resident pages of the mapping(s) of LMDB's `data.mdb`. */
  lmdbRss: number;
  /** The size of `data.mdb` on disk. */
  lmdbFile: number;
}

/** Reads /proc/PID/status and /proc/PID/smaps. */
export async function memoryBreakdown(pid: number): Promise<MemoryBreakdown> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (name: string): number =>
    Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) * 1024;
  let lmdbRss = 0;
  let inLmdb = false;
  let path = "";
  for (const line of (await readFile(`/proc/${pid}/smaps`, "utf8")).split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      inLmdb = head[1]!.endsWith("/data.mdb");
      if (inLmdb) path = head[1]!;
    } else if (inLmdb && line.startsWith("Rss:")) lmdbRss += Number(/(\d+)/.exec(line)?.[1]) * 1024;
  }
  const lmdbFile = path === "" ? 0 : (await stat(path)).size;
  return {
    rss: kb("VmRSS"),
    peak: kb("VmHWM"),
    anon: kb("RssAnon"),
    file: kb("RssFile"),
    shmem: kb("RssShmem"),
    lmdbRss,
    lmdbFile,
  };
}
