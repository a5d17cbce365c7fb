/**
 * pino's JSON line as one text line for a person at a terminal:
 * `2026-01-02T03:04:05.678Z WARN  dns: message key=value err="why"`.
 */

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };

function value(v: unknown): string {
  if (typeof v === "string") return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (v !== null && typeof v === "object" && typeof (v as { message?: unknown }).message === "string")
    return JSON.stringify((v as { message: string }).message); // a serialized Error: its message, not its stack
  return JSON.stringify(v) ?? String(v);
}

/** The text form of one JSON log line (ending in a newline); a line that is not JSON passes unchanged. */
export function textLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { time, level, component, msg, ...fields } = entry;
  const when = typeof time === "number" ? new Date(time).toISOString() : "";
  const name = (LEVELS[level as number] ?? String(level)).padEnd(5);
  const where = typeof component === "string" ? `${component}: ` : "";
  const rest = Object.entries(fields).map(([k, v]) => ` ${k}=${value(v)}`);
  return `${when} ${name} ${where}${msg ?? ""}${rest.join("")}\n`;
}
