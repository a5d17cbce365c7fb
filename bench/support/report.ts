/** Writing benchmark results: a section of BENCHMARKS.md (between markers) and an SVG bar chart. */
import { readFile, writeFile } from "node:fs/promises";

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` (appending both if absent). */
export async function writeSection(file: string, name: string, body: string): Promise<void> {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  let text = await readFile(file, "utf8").catch(() => "# Benchmarks\n");
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(file, text);
}

/** One bar: a label, a value, and whether it is ours (drawn in the accent colour). */
export interface Bar {
  label: string;
  value: number;
  ours?: boolean;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}

/** A horizontal bar chart as SVG text. */
export function barChart(title: string, unit: string, bars: Bar[]): string {
  const width = 760;
  const labelWidth = 250;
  const rowHeight = 30;
  const top = 40;
  const max = Math.max(...bars.map((b) => b.value), 1);
  const height = top + bars.length * rowHeight + 20;
  const rows = bars.map((b, i) => {
    const y = top + i * rowHeight;
    const w = Math.max(1, Math.round(((width - labelWidth - 110) * b.value) / max));
    const fill = b.ours ? "#2b6cb0" : "#a0aec0";
    return [
      `<text x="${labelWidth - 8}" y="${y + 19}" text-anchor="end" font-size="13">${escapeXml(b.label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 5}" width="${w}" height="${rowHeight - 10}" fill="${fill}"/>`,
      `<text x="${labelWidth + w + 6}" y="${y + 19}" font-size="12">${escapeXml(formatNumber(b.value))} ${escapeXml(unit)}</text>`,
    ].join("");
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    ...rows,
    "</svg>",
  ].join("\n");
}

/** A number with thousands separators and at most one decimal. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return "n/a";
  return n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(n >= 10 ? 1 : 2);
}
