/**
 * Events of `kdns dns --workers N`: a worker does not write Events itself but hands each to the
 * primary over the cluster IPC channel, and the primary's one recorder writes them, so what
 * several workers see (an upstream going down) counts into one Event rather than one per worker.
 */
import cluster from "node:cluster";
import type { EventObject, EventSink, EventType } from "../../client/event-recorder.ts";

/** Worker → primary: one event. */
interface EventMessage {
  kdns: "event";
  object: EventObject;
  type: EventType;
  reason: string;
  message: string;
}

/** In a worker: a sink that sends each event to the primary (and drops it when the channel is gone). */
export function primaryEventSink(): EventSink {
  return {
    event(object, type, reason, message) {
      if (!process.send || !process.connected) return;
      process.send({ kdns: "event", object, type, reason, message } satisfies EventMessage);
    },
  };
}

/** In the primary: hands every worker's events to `sink`. */
export function forwardWorkerEvents(sink: EventSink): void {
  cluster.on("message", (_worker, msg: Partial<EventMessage>) => {
    if (msg?.kdns !== "event" || !msg.object || !msg.type) return;
    sink.event(msg.object, msg.type, String(msg.reason ?? ""), String(msg.message ?? ""));
  });
}
