/**
 * `kdns explain dns` and the query stream of `kdns dns --workers N`. The primary runs no DNS of
 * its own, so:
 * - explain asks one worker, the longest-running one still alive (workers keep the same informer
 *   caches; the answer cache it reports on is that worker's);
 * - the query stream is every worker's: while someone watches, each worker sends its batches to
 *   the primary, which hands them to the watchers; with nobody watching the workers send nothing
 *   (a worker started later, after one died, is told when it listens).
 */
import cluster, { type Worker } from "node:cluster";
import { BadQuestionError } from "../../dns/explain/index.ts";
import type { DnsExplainResult, DnsQuestion, QueryBatch, RunningDns } from "../../dns/index.ts";
import { ApiError } from "../../machinery/status.ts";
import type { ExplainableDns } from "../console/explain-routes.ts";
import { answerPrimary, askWorker } from "./worker-ask.ts";

/** What explain asks a worker. */
interface ExplainQuestion {
  question: DnsQuestion;
  pod?: { namespace: string };
}

/** A worker's answer: the explanation, or the error's message (`bad`: the question was wrong). */
type ExplainReply = { ok: DnsExplainResult } | { error: string; bad: boolean };

/** Primary → worker: start or stop sending query batches. */
interface QueriesWatch {
  kdns: "queries-watch";
  watch: boolean;
}

/** Worker → primary: one batch. */
interface QueriesBatch {
  kdns: "queries";
  batch: QueryBatch;
}

/** Longest an explanation may take (a forwarded name waits on its upstreams). */
const EXPLAIN_MS = 15_000;

/** In a worker: answers explain questions with `dns` and sends its query batches while asked to. */
export function serveWorkerExplain(dns: Pick<RunningDns, "explain" | "queries">): void {
  answerPrimary<ExplainQuestion, ExplainReply>("explain", async ({ question, pod }) => {
    try {
      return { ok: await dns.explain(question, pod) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err), bad: err instanceof BadQuestionError };
    }
  });
  let stop: (() => void) | undefined;
  process.on("message", (msg: Partial<QueriesWatch>) => {
    if (msg?.kdns !== "queries-watch") return;
    if (msg.watch && !stop)
      stop = dns.queries.watch((batch) => {
        if (process.connected) process.send?.({ kdns: "queries", batch } satisfies QueriesBatch);
      });
    else if (!msg.watch && stop) {
      stop();
      stop = undefined;
    }
  });
}

function liveWorkers(): Worker[] {
  return Object.values(cluster.workers ?? {})
    .filter((w): w is Worker => w !== undefined && !w.isDead())
    .sort((a, b) => a.id - b.id);
}

function tell(worker: Worker, watch: boolean): void {
  try {
    worker.send({ kdns: "queries-watch", watch } satisfies QueriesWatch);
  } catch {
    // A worker going away; it has nothing more to send.
  }
}

/** In the primary: the workers' DNS as explain reads it. */
export function workerPoolExplain(): ExplainableDns {
  const watchers = new Set<(batch: QueryBatch) => void>();
  cluster.on("message", (worker, msg: { kdns?: string; batch?: QueryBatch }) => {
    if (msg?.kdns === "listening" && watchers.size > 0) tell(worker, true);
    if (msg?.kdns !== "queries" || !msg.batch) return;
    for (const w of watchers) w(msg.batch);
  });
  return {
    async explain(question, pod) {
      const worker = liveWorkers()[0];
      if (!worker) throw new ApiError(503, "ServiceUnavailable", "no dns worker is running");
      const reply = await askWorker<ExplainQuestion, ExplainReply>(
        worker,
        "explain",
        { question, ...(pod ? { pod } : {}) },
        EXPLAIN_MS,
      );
      if (!reply)
        throw new ApiError(503, "ServiceUnavailable", `dns worker ${worker.process.pid} did not answer in time`);
      if ("ok" in reply) return reply.ok;
      if (reply.bad) throw new BadQuestionError(reply.error);
      throw new Error(`dns worker ${worker.process.pid}: ${reply.error}`);
    },
    queries: {
      watch(watcher) {
        watchers.add(watcher);
        if (watchers.size === 1) for (const w of liveWorkers()) tell(w, true);
        return () => {
          if (!watchers.delete(watcher) || watchers.size > 0) return;
          for (const w of liveWorkers()) tell(w, false);
        };
      },
    },
  };
}
