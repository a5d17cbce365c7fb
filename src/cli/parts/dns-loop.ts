/**
 * Forwarding-loop detection when the DNS part starts (issue 3: "detect a forwarding loop and
 * refuse to start or stop forwarding to it"). Once the server listens, every upstream is probed;
 * a loop found within the first moments refuses the start with one line, as CoreDNS's loop plugin
 * does. A probe still waiting then (a slow or dead upstream) goes on in the background, and a loop
 * it finds later is logged once while forwarding to that upstream stops (forward.markLooped).
 */
import { setTimeout as delay } from "node:timers/promises";
import type { ProbeOutcome } from "../../dns/plugins/loop/plugin.ts";
import type { Logger } from "../../machinery/log.ts";
import { CliError } from "../errors.ts";
import { formatHostPort } from "../flags.ts";
import type { DnsChain } from "./dns-plugins.ts";

/** How long the start waits for the loop probes before serving anyway. */
export const LOOP_CHECK_WAIT_MS = 1000;

type Loop = Extract<ProbeOutcome, { type: "loop" }>;

/** The one line naming a looping upstream. */
export function loopLine(loop: Loop): string {
  return `dns: forwarding loop through upstream ${formatHostPort(loop.upstream)}: ${loop.how}`;
}

/**
 * Probes the chain's upstreams; throws a CliError when one loops within `waitMs`. Later loops are
 * logged at error level. Resolves at once when the chain does not forward.
 */
export async function checkLoopsAtStart(
  chain: DnsChain,
  log: Logger,
  signal: AbortSignal,
  waitMs = LOOP_CHECK_WAIT_MS,
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
    if (loops.length > 0) {
      throw new CliError(
        `${loops.map(loopLine).join("; ")}; refusing to start: point --upstream at a resolver that does not forward to kdns`,
      );
    }
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
