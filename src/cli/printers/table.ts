/** Plain-text tables the way kubectl's tabwriter lays them out: left-aligned, three spaces apart. */
import { columnsFor } from "../../api/table-columns.ts";
import type { KubeObject } from "../../api/types.ts";

/** kubectl's tabwriter settings: cells at least 10 wide, three spaces of padding. */
const MIN_WIDTH = 10;
const PADDING = 3;

/** Aligns rows into columns separated by at least three spaces; the last column is not padded. */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(Math.max((widths[i] ?? 0) + PADDING, MIN_WIDTH))))
        .join(""),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/** Options of {@link printTable}. */
export interface TableOptions {
  wide: boolean;
  /** Adds a NAMESPACE column first (`-A`). */
  withNamespace: boolean;
  now: number;
}

/** The table of objects of one resource, with its header. */
export function printTable(resource: string, objects: KubeObject[], options: TableOptions): string {
  const columns = columnsFor(resource, options.wide);
  const header = columns.map((c) => c.name);
  const rows = objects.map((o) => columns.map((c) => c.cell(o, options.now)));
  if (options.withNamespace) {
    header.unshift("NAMESPACE");
    for (const [i, r] of rows.entries()) r.unshift(objects[i]?.metadata.namespace ?? "");
  }
  return formatTable([header, ...rows]);
}
