/**
 * Questions between the primary of `kdns dns --workers N` and its workers over the cluster IPC
 * channel: the primary sends `{ kdns: "<topic>?", id, ...question }`, the worker answers
 * `{ kdns: "<topic>", id, reply }`. `/metrics` (the sum of the workers' figures) and explain (one
 * worker's answer) both ask this way.
 */
import type { Worker } from "node:cluster";

/** Primary → worker. */
interface Question<Q> {
  kdns: string;
  id: number;
  question: Q;
}

/** Worker → primary. */
interface Answer<R> {
  kdns: string;
  id: number;
  reply: R;
}

let nextId = 0;

/** Asks `worker` about `topic`; undefined when it does not answer within `ms` or exits first. */
export function askWorker<Q, R>(worker: Worker, topic: string, question: Q, ms: number): Promise<R | undefined> {
  const id = ++nextId;
  return new Promise((resolve) => {
    const done = (reply: R | undefined): void => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("exit", onExit);
      resolve(reply);
    };
    const onMessage = (msg: Partial<Answer<R>>): void => {
      if (msg?.kdns === topic && msg.id === id) done(msg.reply);
    };
    const onExit = (): void => done(undefined);
    const timer = setTimeout(() => done(undefined), ms);
    worker.on("message", onMessage);
    worker.on("exit", onExit);
    try {
      worker.send({ kdns: `${topic}?`, id, question } satisfies Question<Q>);
    } catch {
      done(undefined);
    }
  });
}

/** In a worker: answers the primary's questions about `topic` with `answer`. */
export function answerPrimary<Q, R>(topic: string, answer: (question: Q) => Promise<R>): void {
  process.on("message", (msg: Partial<Question<Q>>) => {
    if (msg?.kdns !== `${topic}?` || typeof msg.id !== "number" || !process.send) return;
    const id = msg.id;
    void answer(msg.question as Q).then((reply) => process.send?.({ kdns: topic, id, reply } satisfies Answer<R>));
  });
}
