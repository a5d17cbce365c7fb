/** The Grafana dashboard kdns ships (docs/grafana-dashboard.json), read for tests: its PromQL and the metrics it names. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const DASHBOARD = join(import.meta.dirname, "../../docs/grafana-dashboard.json");

/** Words of PromQL that are not metric names when they stand alone. */
const KEYWORDS = new Set(["and", "or", "unless", "bool", "inf", "nan", "offset"]);

/**
 * The metric names an expression reads: what is left once strings, label matchers, ranges and
 * `by (…)`-style label lists are dropped, minus function calls, keywords and numbers.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "")
    .replace(/\boffset\s+-?\w+/g, "");
  const names = new Set<string>();
  for (const m of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const before = bare[m.index - 1] ?? "";
    if (/[0-9.]/.test(before)) continue; // the exponent of 1e3
    if (
      bare
        .slice(m.index + m[0].length)
        .trimStart()
        .startsWith("(")
    )
      continue;
    if (!KEYWORDS.has(m[0].toLowerCase())) names.add(m[0]);
  }
  return [...names];
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

/** Every target expression of the dashboard with its panel title. */
export async function dashboardExprs(): Promise<{ title: string; expr: string }[]> {
  const dashboard = JSON.parse(await readFile(DASHBOARD, "utf8")) as { panels: Panel[] };
  const out: { title: string; expr: string }[] = [];
  const walk = (panels: Panel[]): void => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ title: p.title ?? "", expr: t.expr });
      walk(p.panels ?? []);
    }
  };
  walk(dashboard.panels);
  return out;
}
