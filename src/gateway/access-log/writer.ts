/**
 * Where `--gateway-access-log` writes: `-` is standard output, anything else a file opened for
 * appending (created 0640 when missing). Writes are buffered by the stream, so a request never waits
 * on the disk; a file that cannot be opened fails the start with the path and the reason.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { logger } from "../../machinery/log.ts";
import { type AccessLogEntry, accessLogLine } from "./entry.ts";

/** An open access log. */
export interface AccessLog {
  /** Where it writes, as given. */
  readonly destination: string;
  write(entry: AccessLogEntry): void;
  /** Flushes and closes it (standard output stays open). */
  close(): Promise<void>;
}

/** Opens `destination` (`-` for standard output). */
export async function openAccessLog(destination: string): Promise<AccessLog> {
  if (destination === "-") {
    return {
      destination,
      write: (e) => void process.stdout.write(accessLogLine(e)),
      close: async () => undefined,
    };
  }
  const stream: WriteStream = createWriteStream(destination, { flags: "a", mode: 0o640 });
  await new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (err) => reject(new Error(`cannot open access log ${destination}: ${err.message}`)));
  });
  let failed: Error | undefined;
  stream.on("error", (err) => {
    if (failed === undefined)
      logger("gateway").error({ err: err.message, destination }, "access log write failed; logging stops");
    failed ??= err;
  });
  return {
    destination,
    write(e) {
      if (failed === undefined) stream.write(accessLogLine(e));
    },
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  };
}
