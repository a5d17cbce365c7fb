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

/** One line of a {@link lineCharts} panel: its points, x ascending. */
export interface Series {
  label: string;
  points: [x: number, y: number][];
}

/** One panel: a metric against the object count, one line per series. */
export interface Panel {
  title: string;
  unit: string;
  series: Series[];
}

const SERIES_COLOURS = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5"];

/** Small line charts side by side (three to a row) as one SVG: how each metric grows with x. */
export function lineCharts(title: string, xLabel: (x: number) => string, panels: Panel[]): string {
  const pw = 250;
  const ph = 170;
  const cols = 3;
  const top = 60;
  const width = cols * pw + 20;
  const height = top + Math.ceil(panels.length / cols) * (ph + 30);
  const xs = [...new Set(panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x))))].sort(
    (a, b) => a - b,
  );
  const legend = (panels[0]?.series ?? []).map(
    (s, i) =>
      `<rect x="${10 + i * 140}" y="34" width="12" height="12" fill="${SERIES_COLOURS[i % 4]}"/><text x="${26 + i * 140}" y="45" font-size="12">${escapeXml(s.label)}</text>`,
  );
  const drawn = panels.map((p, n) => {
    const ox = 10 + (n % cols) * pw;
    const oy = top + Math.floor(n / cols) * (ph + 30);
    const left = ox + 45;
    const right = ox + pw - 15;
    const bottom = oy + ph - 25;
    const upper = oy + 25;
    const max = Math.max(1e-9, ...p.series.flatMap((s) => s.points.map(([, y]) => (Number.isFinite(y) ? y : 0))));
    const px = (x: number): number =>
      xs.length < 2 ? (left + right) / 2 : left + ((right - left) * xs.indexOf(x)) / (xs.length - 1);
    const py = (y: number): number => bottom - ((bottom - upper) * y) / max;
    const lines = p.series.map((s, i) => {
      const pts = s.points.filter(([, y]) => Number.isFinite(y));
      const colour = SERIES_COLOURS[i % 4];
      const path = pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ");
      const dots = pts.map(
        ([x, y]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${colour}"/>`,
      );
      return `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${path}"/>${dots.join("")}`;
    });
    const ticks = xs.map(
      (x) =>
        `<text x="${px(x).toFixed(1)}" y="${bottom + 14}" font-size="10" text-anchor="middle">${escapeXml(xLabel(x))}</text>`,
    );
    return [
      `<text x="${ox}" y="${oy + 12}" font-size="13" font-weight="bold">${escapeXml(`${p.title} (${p.unit})`)}</text>`,
      `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#718096"/>`,
      `<line x1="${left}" y1="${upper}" x2="${left}" y2="${bottom}" stroke="#718096"/>`,
      `<text x="${left - 4}" y="${upper + 4}" font-size="10" text-anchor="end">${escapeXml(formatNumber(max))}</text>`,
      `<text x="${left - 4}" y="${bottom}" font-size="10" text-anchor="end">0</text>`,
      ...ticks,
      ...lines,
    ].join("");
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    ...legend,
    ...drawn,
    "</svg>",
  ].join("\n");
}
