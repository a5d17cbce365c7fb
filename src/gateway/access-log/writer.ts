/**
 * Where `--gateway-access-log` writes: `-` is standard output, anything else a file opened for
 * appending (created 0640 when missing). Writes are buffered by the stream, so a request never waits
 * on the disk; a file that cannot be opened fails the start with the path and the reason.
 * `reopen` opens the path anew (what logrotate's SIGHUP asks for after renaming the file); the old
 * stream is ended once what was written to it is flushed, so no line is lost or split.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { logger } from "../../machinery/log.ts";
import { type AccessLogEntry, accessLogLine } from "./entry.ts";

/** An open access log. */
export interface AccessLog {
  /** Where it writes, as given. */
  readonly destination: string;
  write(entry: AccessLogEntry): void;
  /** Opens the file again by its path (after a rotation renamed it); nothing for standard output. */
  reopen(): Promise<void>;
  /** Flushes and closes it (standard output stays open). */
  close(): Promise<void>;
}

/** Opens `destination` (`-` for standard output). */
export async function openAccessLog(destination: string): Promise<AccessLog> {
  if (destination === "-") {
    return {
      destination,
      write: (e) => void process.stdout.write(accessLogLine(e)),
      reopen: async () => undefined,
      close: async () => undefined,
    };
  }
  const log = logger("gateway");
  let failed: Error | undefined;
  const openStream = async (): Promise<WriteStream> => {
    const s = createWriteStream(destination, { flags: "a", mode: 0o640 });
    await new Promise<void>((resolve, reject) => {
      s.once("open", () => resolve());
      s.once("error", (err) => reject(new Error(`cannot open access log ${destination}: ${err.message}`)));
    });
    s.on("error", (err) => {
      // A failure of a stream already replaced by a reopen stops nothing.
      if (s !== stream || failed !== undefined) return;
      log.error({ err: err.message, destination }, "access log write failed; logging stops");
      failed = err;
    });
    return s;
  };
  let stream = await openStream();
  const end = (s: WriteStream): Promise<void> => new Promise<void>((resolve) => s.end(() => resolve()));
  return {
    destination,
    write(e) {
      if (failed === undefined) stream.write(accessLogLine(e));
    },
    async reopen() {
      let next: WriteStream;
      try {
        next = await openStream();
      } catch (err) {
        // The old file keeps the lines: better a rotation missed than lines lost.
        log.error({ err: (err as Error).message, destination }, "access log not reopened; still writing the old file");
        return;
      }
      const old = stream;
      stream = next;
      failed = undefined;
      await end(old);
    },
    close: () => end(stream),
  };
}
