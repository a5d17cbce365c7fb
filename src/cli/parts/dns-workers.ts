/**
 * `kdns dns --workers N`: the primary forks N worker processes (node:cluster); each runs its own
 * informers and binds the DNS port with SO_REUSEPORT, so the kernel spreads queries over them
 * and throughput grows with cores. The primary serves health, reports ready when every worker
 * is, and restarts a worker that dies. A worker that fails before it listens (a taken port, a
 * bad flag) fails the whole command with its one line.
 */
import cluster, { type Worker } from "node:cluster";
import { logger } from "../../machinery/log.ts";
import { CliError } from "../errors.ts";

/** Messages a worker sends its primary. */
export type WorkerMessage =
  | { kdns: "listening" }
  | { kdns: "ready"; ready: boolean }
  | { kdns: "error"; message: string };

/** Sends a message to the primary (no-op outside a worker); resolves once it is written. */
export function tellPrimary(msg: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!cluster.isWorker || !process.send || !process.connected) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

/** The running pool. */
export interface WorkerPool {
  /** Every worker listening and synced. */
  ready(): boolean;
  close(): Promise<void>;
}

/** Forks `count` workers; resolves once all listen, rejects with a worker's first error line. */
export async function startWorkerPool(count: number, say: (line: string) => void): Promise<WorkerPool> {
  const log = logger("dns");
  const ready = new Map<number, boolean>();
  let closing = false;
  let failed: ((err: Error) => void) | undefined;
  let listening = 0;
  let allListening: (() => void) | undefined;
  const fork = (): void => {
    const worker: Worker = cluster.fork();
    let up = false;
    let error = "";
    ready.set(worker.id, false);
    worker.on("message", (msg: WorkerMessage) => {
      if (msg.kdns === "listening") {
        up = true;
        if (++listening === count) allListening?.();
      } else if (msg.kdns === "ready") ready.set(worker.id, msg.ready);
      else if (msg.kdns === "error") error = msg.message;
    });
    worker.on("exit", (code, signal) => {
      ready.delete(worker.id);
      if (closing) return;
      if (!up) {
        const line = error || `dns worker exited (${signal ?? code}) before listening`;
        if (failed) failed(new CliError(line));
        else log.error({ worker: worker.id }, `restarted dns worker failed: ${line}`);
        return;
      }
      log.warn({ worker: worker.id, code, signal }, "dns worker died; restarting it");
      say(`kdns: dns worker ${worker.process.pid} died (${signal ?? code}); starting another`);
      setTimeout(() => {
        if (!closing) fork();
      }, 200).unref();
    });
  };
  const close = async (): Promise<void> => {
    closing = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            const kill = setTimeout(() => w.process.kill("SIGKILL"), 5000);
            w.once("exit", () => {
              clearTimeout(kill);
              resolve();
            });
            w.process.kill("SIGTERM");
          }),
      ),
    );
  };
  try {
    await new Promise<void>((resolve, reject) => {
      failed = reject;
      allListening = resolve;
      for (let i = 0; i < count; i++) fork();
    });
  } catch (err) {
    await close();
    throw err;
  }
  failed = undefined;
  return { ready: () => ready.size === count && [...ready.values()].every(Boolean), close };
}
