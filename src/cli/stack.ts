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
 * Runs `start` with a fresh stack; on failure closes what started and rethrows, else waits for
 * SIGINT or SIGTERM, then closes the stack and exits 0 (1 when a part failed to close). The signals
 * are caught from the beginning: one that arrives while parts are still starting closes them once
 * `start` has finished, instead of Node's default exit leaving a started child (nginx runs in a
 * process group of its own) behind. A second signal while closing exits at once.
 */
export async function runParts(start: (stack: PartStack) => Promise<void>): Promise<void> {
  const stack = new PartStack();
  const signal = Promise.withResolvers<void>();
  let closing = false;
  const onSignal = (): void => {
    if (closing) process.exit(1);
    closing = true;
    signal.resolve();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    try {
      await start(stack);
    } catch (err) {
      await stack.close();
      throw err;
    }
    await signal.promise;
    const failures = await stack.close();
    for (const f of failures) process.stderr.write(`error: closing ${f}\n`);
    process.exitCode = failures.length > 0 ? 1 : 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
