/** Reading the Prometheus text format in tests: every sample with its labels, and sums over them. */

/** One sample line. */
export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Every sample of a `/metrics` text (comments skipped). */
export function parseSamples(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/i.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of the samples named `name` whose labels include `match`. */
export function sumOf(series: readonly Series[], name: string, match: Record<string, string> = {}): number {
  return series
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}
