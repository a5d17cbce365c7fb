/**
 * When each phase of a `--profile` run began, on the clock of V8's CPU profiles (the monotonic
 * clock in µs, as `process.hrtime`), written beside the profiles so `profile-phases.ts` can cut a
 * profile by phase: what one pod create cost in the first and the last tenth of the load, what the
 * drain and the readiness changes cost.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** One phase's start. */
export interface PhaseMark {
  phase: string;
  /** Monotonic µs (a CPU profile's `startTime` clock). */
  us: number;
  /** Units of work the phase did (pods created, readiness changes), when it counts them. */
  units?: number;
}

/** The marks of one `kdns up` process, named by its pid as its profile is. */
export class PhaseMarks {
  readonly #marks: PhaseMark[] = [];
  /** performance.now() is the same monotonic clock from another origin. */
  readonly #originUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;

  /** Marks the start of `phase` at `at` (a performance.now() time; default now). */
  mark(phase: string, at = performance.now(), units?: number): void {
    this.#marks.push({ phase, us: Math.round(this.#originUs + at * 1000), ...(units !== undefined ? { units } : {}) });
  }

  /** Writes `phases.<pid>.json` into `dir`, in time order. */
  async write(dir: string, pid: number): Promise<void> {
    const marks = [...this.#marks].sort((a, b) => a.us - b.us);
    await writeFile(join(dir, `phases.${pid}.json`), `${JSON.stringify(marks, null, 1)}\n`);
  }
}
