/** One structured logger per component (pino), quiet by default. */
import { type Logger, pino } from "pino";

export type { Logger };

/** The root logger; level from `KDNS_LOG_LEVEL` (default `warn`), JSON lines on stderr. */
const root: Logger = pino({ level: process.env.KDNS_LOG_LEVEL ?? "warn", base: null }, pino.destination(2));

/** The logger of one component (`apiserver`, `dns`, …). */
export function logger(component: string): Logger {
  return root.child({ component });
}
