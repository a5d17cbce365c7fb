/**
 * Forwarding-loop detection when the DNS server starts. Once it listens, every upstream is probed;
 * a loop found within the first moments refuses the start with one line, as CoreDNS's loop plugin
 * does. A probe still waiting then (a slow or dead upstream) goes on in the background, and a loop
 * it finds later is logged once while forwarding to that upstream stops (forward.markLooped).
 */
import { setTimeout as delay } from "node:timers/promises";
import { formatHostPort } from "../machinery/host-port.ts";
import type { Logger } from "../machinery/log.ts";
import type { DnsChain } from "./chain.ts";
import { DNS_DEFAULTS } from "./options.ts";
import type { ProbeOutcome } from "./plugins/loop/plugin.ts";

type Loop = Extract<ProbeOutcome, { type: "loop" }>;

/** The one line naming a looping upstream. */
export function loopLine(loop: Loop): string {
  return `dns: forwarding loop through upstream ${formatHostPort(loop.upstream)}: ${loop.how}`;
}

/** A start refused because an upstream forwards back to this server. */
export class ForwardingLoopError extends Error {
  constructor(loops: readonly Loop[]) {
    super(
      `${loops.map(loopLine).join("; ")}; refusing to start: point --upstream at a resolver that does not forward to kdns`,
    );
    this.name = "ForwardingLoopError";
  }
}

/**
 * Probes the chain's upstreams; throws a {@link ForwardingLoopError} when one loops within
 * `waitMs`. Later loops are logged at error level. Resolves at once when the chain does not forward.
 */
export async function checkLoopsAtStart(
  chain: Pick<DnsChain, "probeLoops">,
  log: Logger,
  signal: AbortSignal,
  waitMs: number = DNS_DEFAULTS.loopCheckWaitMs,
): Promise<void> {
  if (!chain.probeLoops) return;
  const probing = chain.probeLoops(signal);
  const timer = new AbortController();
  const early = await Promise.race([
    probing,
    delay(waitMs, undefined, { signal: timer.signal, ref: false }).catch(() => undefined),
  ]);
  timer.abort();
  if (early) {
    const loops = early.filter((o): o is Loop => o.type === "loop");
    if (loops.length > 0) throw new ForwardingLoopError(loops);
    return;
  }
  probing.then(
    (outcomes) => {
      for (const o of outcomes)
        if (o.type === "loop")
          log.error({ upstream: formatHostPort(o.upstream) }, `${loopLine(o)}; no longer forwarding to it`);
    },
    (err: unknown) => log.error({ err }, "dns: forwarding loop probe failed"),
  );
}
