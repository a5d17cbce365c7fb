/**
 * The CLI's one error boundary: every failure becomes one line on stderr and a non-zero exit
 * (API errors read as kubectl prints them; no other layer prints).
 */
import { ClientError } from "../client/rest-client.ts";

/** A failure the user should read as it is (`error: …`), with the exit code to use. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/**
 * The one line kubectl prints for a failure: `Error from server (NotFound): services "x" not
 * found` for API errors, `error: …` otherwise.
 */
export function errorLine(err: unknown): string {
  if (err instanceof ClientError) {
    if (err.code === 0) return `error: ${err.message}`;
    const reason = err.status.reason ?? (err.code >= 500 ? "InternalError" : "BadRequest");
    return `Error from server (${reason}): ${oneLine(err.message)}`;
  }
  if (err instanceof CliError) return `error: ${oneLine(err.message)}`;
  if (err instanceof Error) return `error: ${oneLine(err.message)}`;
  return `error: ${oneLine(String(err))}`;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}

/** Wraps a command action: a thrown error prints one line on stderr and sets a non-zero exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      process.stderr.write(`${errorLine(err)}\n`);
      process.exitCode = err instanceof CliError ? err.exitCode : 1;
    }
  };
}
