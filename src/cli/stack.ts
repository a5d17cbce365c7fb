/** Started parts of a process, closed in reverse order of starting (last started, first stopped). */

/** One started part and how to stop it. */
export interface Part {
  name: string;
  close(): Promise<void>;
}

/** A stack of started parts. */
export class PartStack {
  readonly #parts: Part[] = [];

  /** Records a started part. */
  push(part: Part): void {
    this.#parts.push(part);
  }

  /** The names of started parts, in start order. */
  names(): string[] {
    return this.#parts.map((p) => p.name);
  }

  /**
   * Closes every part in reverse order; a failing close does not stop the others. Resolves to
   * the failures as `name: message` lines.
   */
  async close(): Promise<string[]> {
    const failures: string[] = [];
    while (this.#parts.length > 0) {
      const part = this.#parts.pop();
      if (!part) break;
      try {
        await part.close();
      } catch (err) {
        failures.push(`${part.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return failures;
  }
}

/**
 * Waits for SIGINT or SIGTERM, then closes the stack and exits 0 (1 when a part failed to close).
 * A second signal while closing exits at once.
 */
export function closeOnSignal(stack: PartStack): Promise<void> {
  return new Promise((resolve) => {
    let closing = false;
    const onSignal = (): void => {
      if (closing) process.exit(1);
      closing = true;
      void stack.close().then((failures) => {
        for (const f of failures) process.stderr.write(`error: closing ${f}\n`);
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        process.exitCode = failures.length > 0 ? 1 : 0;
        resolve();
      });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

/** Runs `start` with a fresh stack; on failure closes what started and rethrows, else waits for a signal. */
export async function runParts(start: (stack: PartStack) => Promise<void>): Promise<void> {
  const stack = new PartStack();
  try {
    await start(stack);
  } catch (err) {
    await stack.close();
    throw err;
  }
  await closeOnSignal(stack);
}
