/** One structured logger per component (pino), quiet by default. */
import { type Logger, pino } from "pino";
import { textLine } from "./log-text.ts";

export type { Logger };

/** How log lines are written: pino's JSON lines, or one readable text line each. */
export const LOG_FORMATS = ["json", "text"] as const;

/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

const stderr = pino.destination(2);
let format: LogFormat = "json";

// Every logger shares this one stream, so the format chosen by a flag (parsed after component
// loggers were made at import time) applies to all of them.
const stream = {
  write(line: string): void {
    stderr.write(format === "json" ? line : textLine(line));
  },
};

/** The root logger; level from `KDNS_LOG_LEVEL` (default `warn`), lines on stderr. */
const root: Logger = pino({ level: process.env.KDNS_LOG_LEVEL ?? "warn", base: null }, stream);

/** The logger of one component (`apiserver`, `dns`, …). */
export function logger(component: string): Logger {
  return root.child({ component });
}

/** Sets the format of every logger's lines from now on (default `json`). */
export function setLogFormat(next: LogFormat): void {
  format = next;
}
