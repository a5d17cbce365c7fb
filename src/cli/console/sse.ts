/** Server-sent events (HTML Living Standard §9.2): a response held open, one `event:`/`data:` block per message. */
import type { IncomingMessage, ServerResponse } from "node:http";

/** An open event stream. */
export interface EventStream {
  send(event: string, data: unknown): void;
  /** Resolves when the client goes away. */
  closed: Promise<void>;
}

/** Starts an event stream on `res`; a comment every 15 s keeps proxies from closing it idle. */
export function openEventStream(req: IncomingMessage, res: ServerResponse): EventStream {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.write(": kdns\n\n");
  const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
  const closed = new Promise<void>((resolve) => {
    const done = (): void => {
      clearInterval(keepAlive);
      resolve();
    };
    req.once("close", done);
    res.once("close", done);
  });
  return {
    send(event, data) {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    closed,
  };
}
