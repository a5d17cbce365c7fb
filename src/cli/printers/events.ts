/** The `Events:` section of `kdns describe`, as kubectl's `DescribeEvents` prints it. */
import type { KubeObject } from "../../api/types.ts";
import { age } from "../../machinery/age.ts";
import { formatTable } from "./table.ts";

/** The core/v1 Event fields the section reads. */
export interface DescribedEvent extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  source?: { component?: string };
  reportingComponent?: string;
}

/**
 * The section: oldest last-seen first; a repeated event's age as `3s (x2 over 10s)` (last seen,
 * count, first seen); `Events:  <none>` without any.
 */
export function describeEvents(events: readonly DescribedEvent[], now: number): string {
  if (events.length === 0) return "Events:  <none>\n";
  const sorted = [...events].sort((a, b) => seen(a).localeCompare(seen(b)));
  const rows = [
    ["Type", "Reason", "Age", "From", "Message"],
    ["----", "------", "----", "----", "-------"],
    ...sorted.map((e) => [
      e.type ?? "",
      e.reason ?? "",
      (e.count ?? 1) > 1
        ? `${age(e.lastTimestamp, now)} (x${e.count} over ${age(e.firstTimestamp, now)})`
        : age(e.firstTimestamp ?? e.eventTime, now),
      e.source?.component || e.reportingComponent || "",
      (e.message ?? "").trim(),
    ]),
  ];
  const lines = formatTable(rows)
    .split("\n")
    .filter((l) => l)
    .map((l) => `  ${l.trimEnd()}\n`);
  return `Events:\n${lines.join("")}`;
}

function seen(e: DescribedEvent): string {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? "";
}
