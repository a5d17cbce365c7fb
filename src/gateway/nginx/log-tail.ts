/**
 * Reads a log file another process appends to, line by line, as it grows (what `tail -F` does):
 * a poll every `intervalMs` reads what was added since the last one, in batches, and hands each
 * complete line on; a line still being written waits for its end. The file may be replaced
 * (renamed aside and made anew at the path: the old one is read to its end for `graceMs` more,
 * since its writers may still flush into it until they reopened), truncated (read again from the
 * start) or missing (read once it appears). With `rotate`, the reader keeps the file small itself:
 * once that many bytes were read it renames the file aside, makes the new one (mode 0600: what a
 * request log holds is for kdns only; a writer that opens an existing file keeps its mode), asks the
 * writer to reopen its path (nginx: SIGUSR1), and deletes the old file once it has read it to the end.
 */
import { type FileHandle, open, rename, stat, unlink, writeFile } from "node:fs/promises";

/** Options of {@link LogTail}. */
export interface LogTailOptions {
  path: string;
  /** Each complete line, without its newline. Lines are read as latin1 (the writer escapes other bytes). */
  onLine(line: string): void;
  /** Poll period (default 250 ms). */
  intervalMs?: number;
  /** How long a replaced file is still read (default 5 s). */
  graceMs?: number;
  /** Rename the file aside once this many bytes were read from it, and ask its writer to reopen the path. */
  rotate?: { bytes: number; reopen(): void };
  /** A poll failed (it is tried again at the next one). */
  onError?(err: Error): void;
}

/** A file being read. */
interface Reading {
  handle: FileHandle;
  ino: number;
  offset: number;
  /** The start of a line whose end is not written yet. */
  partial: string;
  /** A line grew past {@link MAX_PARTIAL}: what is left of it, up to its end, is dropped. */
  skipping: boolean;
}

/** A replaced file, read until `until`, then closed (and deleted when this reader renamed it). */
interface Retiring extends Reading {
  until: number;
  ours: boolean;
}

/** Longer than any line the writer writes: a "line" this long without an end is dropped. */
const MAX_PARTIAL = 1 << 20;
/** Read at most this much at once: the lines of one read are handled without yielding, and DNS may share the loop. */
const CHUNK = 256 * 1024;

/** The reader; {@link LogTail.start} starts polling. */
export class LogTail {
  readonly #o: LogTailOptions;
  readonly #buffer = Buffer.allocUnsafe(CHUNK);
  #current: Reading | undefined;
  #retiring: Retiring[] = [];
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #rotatedAt = 0;
  #closed = false;

  constructor(options: LogTailOptions) {
    this.#o = options;
  }

  /** The file's path renamed aside by a rotation. */
  get retiredPath(): string {
    return `${this.#o.path}.1`;
  }

  /** Starts polling. */
  start(): void {
    this.#timer = setInterval(
      () => void this.poll().catch((err: unknown) => this.#o.onError?.(err as Error)),
      this.#o.intervalMs ?? 250,
    );
    this.#timer.unref();
  }

  /** Reads what was added now (a poll already running is waited for, then one more runs). */
  async poll(): Promise<void> {
    while (this.#polling) await this.#polling;
    if (this.#closed) return;
    this.#polling = this.#pass().finally(() => (this.#polling = undefined));
    await this.#polling;
  }

  /** Reads the rest and closes the files (the writer should have stopped). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.poll().catch((err: unknown) => this.#o.onError?.(err as Error));
    this.#closed = true;
    for (const r of this.#retiring) await this.#retire(r).catch((err: unknown) => this.#o.onError?.(err as Error));
    this.#retiring = [];
    await this.#current?.handle.close();
    this.#current = undefined;
  }

  async #pass(): Promise<void> {
    const { path } = this.#o;
    const now = Date.now();
    const at = await stat(path).catch(() => undefined);
    if (this.#current && at && at.ino !== this.#current.ino) {
      const ours = this.#rotatedAt > 0;
      this.#retiring.push({ ...this.#current, until: now + (this.#o.graceMs ?? 5_000), ours });
      this.#rotatedAt = 0;
      this.#current = undefined;
    }
    if (!this.#current && at) {
      const handle = await open(path, "r").catch(() => undefined);
      if (handle) this.#current = { handle, ino: (await handle.stat()).ino, offset: 0, partial: "", skipping: false };
    }
    const kept: Retiring[] = [];
    for (const r of this.#retiring) {
      await this.#read(r);
      if (now >= r.until) await this.#retire(r);
      else kept.push(r);
    }
    this.#retiring = kept;
    if (this.#current) {
      await this.#read(this.#current);
      const rotate = this.#o.rotate;
      if (rotate && this.#current.offset >= rotate.bytes && this.#rotatedAt === 0 && kept.length === 0) {
        await rename(path, this.retiredPath);
        await createLog(path);
        this.#rotatedAt = now;
        rotate.reopen();
      }
    }
  }

  /** Reads `r` to its end (from the start again when it was truncated). */
  async #read(r: Reading): Promise<void> {
    const { size } = await r.handle.stat();
    if (size < r.offset) {
      r.offset = 0;
      r.partial = "";
      r.skipping = false;
    }
    while (r.offset < size) {
      const { bytesRead } = await r.handle.read(this.#buffer, 0, CHUNK, r.offset);
      if (bytesRead === 0) break;
      r.offset += bytesRead;
      this.#lines(r, this.#buffer.toString("latin1", 0, bytesRead));
    }
  }

  #lines(r: Reading, text: string): void {
    let start = 0;
    let end = text.indexOf("\n");
    if (end >= 0 && (r.partial !== "" || r.skipping)) {
      if (!r.skipping) this.#o.onLine(r.partial + text.slice(0, end));
      r.partial = "";
      r.skipping = false;
      start = end + 1;
      end = text.indexOf("\n", start);
    }
    while (end >= 0) {
      this.#o.onLine(text.slice(start, end));
      start = end + 1;
      end = text.indexOf("\n", start);
    }
    if (start >= text.length || r.skipping) return;
    r.partial += text.slice(start);
    if (r.partial.length > MAX_PARTIAL) {
      r.partial = "";
      r.skipping = true;
    }
  }

  async #retire(r: Retiring): Promise<void> {
    await this.#read(r);
    await r.handle.close();
    if (r.ours) await unlink(this.retiredPath).catch(() => undefined);
  }
}

/** Makes `path` anew, empty, readable and writable by its owner only. */
export async function createLog(path: string): Promise<void> {
  await writeFile(path, "", { mode: 0o600, flag: "a" });
}
