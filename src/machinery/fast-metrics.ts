/**
 * Counters and histograms for hot paths: every label set is known up front and numbered, so
 * counting is one add into a typed array — no label object, no string, no map per event. At scrape
 * time they turn into ordinary Prometheus families through prom-client's registry (which calls
 * `get()`), with only the label sets that were seen.
 */
import type { Registry } from "prom-client";

/**
 * One varying dimension of a family: a label and its possible values, or several labels that vary
 * together (`group`, `version`, `resource` of one API resource) and their possible value tuples.
 */
export type Dim =
  | readonly [name: string, values: readonly string[]]
  | readonly [names: readonly string[], values: readonly (readonly string[])[]];

/** The label names of a family, and for each the values it can take, in index order. */
export interface LabelSpace {
  /** Labels with one value for the whole family (`server`, `zone` …); a function is read at each scrape. */
  fixed?: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>);
  /** Labels that vary, each with its possible values. */
  dims?: readonly Dim[];
}

/** One sample as prom-client's registry reads it. */
export interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/** A row-major numbering of the label sets over `dims`: how many, each one's labels, and the index of one. */
function layout(space: LabelSpace): {
  size: number;
  labelsOf(i: number): Record<string, string>;
  strides: number[];
} {
  const dims = space.dims ?? [];
  const size = dims.reduce((n, [, values]) => n * values.length, 1);
  return {
    size,
    strides: dims.map((_, d) => dims.slice(d + 1).reduce((n, [, v]) => n * v.length, 1)),
    labelsOf(i) {
      const at: number[] = [];
      for (let d = dims.length - 1; d >= 0; d--) {
        const count = dims[d]![1].length;
        at[d] = i % count;
        i = Math.floor(i / count);
      }
      const labels: Record<string, string> = {
        ...(typeof space.fixed === "function" ? space.fixed() : space.fixed),
      };
      for (const [d, [name, values]] of dims.entries()) {
        const value = values[at[d]!]!;
        if (typeof name === "string") labels[name] = value as string;
        else for (const [k, n] of name.entries()) labels[n] = (value as readonly string[])[k]!;
      }
      return labels;
    },
  };
}

/** Most dims a family may have, so an index takes fixed arguments (no array per event). */
const MAX_DIMS = 5;

type Strides = [number, number, number, number, number];

function stridesOf(space: LabelSpace): Strides {
  const strides = layout(space).strides;
  if (strides.length > MAX_DIMS)
    throw new Error(`a fast metric has at most ${MAX_DIMS} varying dims, got ${strides.length}`);
  return [strides[0] ?? 0, strides[1] ?? 0, strides[2] ?? 0, strides[3] ?? 0, strides[4] ?? 0];
}

/** The shape prom-client's registry reads from a metric (learned-metrics.ts builds on it too). */
export abstract class FastMetric {
  readonly aggregator = "sum" as const;
  abstract readonly type: "counter" | "gauge" | "histogram";
  readonly name: string;
  readonly help: string;
  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }
  abstract samples(): Sample[];
  /** What the registry calls at scrape time. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.samples() };
  }
  /** Adds it to `registry` (prom-client accepts any object with this shape). */
  registerIn(registry: Registry): this {
    registry.registerMetric(this as unknown as Parameters<Registry["registerMetric"]>[0]);
    return this;
  }
}

/**
 * A counter family over a fixed label space. `index(a, b, …)` numbers a label set (row-major over
 * the dims, each given as the value's index); `inc(i)` counts it.
 */
export class IndexedCounter extends FastMetric {
  readonly type: "counter" | "gauge";
  readonly #counts: Float64Array;
  readonly #labelsOf: (i: number) => Record<string, string>;
  readonly #strides: Strides;
  readonly #labelled: boolean;

  constructor(name: string, help: string, space: LabelSpace = {}, type: "counter" | "gauge" = "counter") {
    super(name, help);
    this.type = type;
    const { size, labelsOf } = layout(space);
    this.#counts = new Float64Array(size);
    this.#labelsOf = labelsOf;
    this.#strides = stridesOf(space);
    this.#labelled = (space.dims ?? []).length > 0;
  }

  /** The index of the label set whose value indexes, one per dim, are `a`, `b`, `c`, `d`, `e`. */
  index(a: number, b = 0, c = 0, d = 0, e = 0): number {
    const s = this.#strides;
    return a * s[0] + b * s[1] + c * s[2] + d * s[3] + e * s[4];
  }

  /** Counts `by` (default 1) for label set `i`. */
  inc(i = 0, by = 1): void {
    this.#counts[i]! += by;
  }

  /** Sets label set `i` (gauges). */
  set(i: number, value: number): void {
    this.#counts[i] = value;
  }

  /** The value of label set `i`. */
  value(i = 0): number {
    return this.#counts[i] ?? 0;
  }

  samples(): Sample[] {
    const out: Sample[] = [];
    // A counter's label sets appear once counted, as client_golang's vectors do; a gauge, or a
    // counter without varying labels, always shows.
    for (let i = 0; i < this.#counts.length; i++) {
      const value = this.#counts[i]!;
      if (value !== 0 || this.type === "gauge" || !this.#labelled) out.push({ labels: this.#labelsOf(i), value });
    }
    return out;
  }
}

/** A histogram family over a fixed label space, with fixed upper bounds. */
export class IndexedHistogram extends FastMetric {
  readonly type = "histogram" as const;
  readonly #bounds: Float64Array;
  /** Per label set: one count per bound, then +Inf. Not cumulative (summed at scrape). */
  readonly #buckets: Float64Array;
  readonly #sums: Float64Array;
  readonly #labelsOf: (i: number) => Record<string, string>;
  readonly #size: number;
  readonly #strides: Strides;

  constructor(name: string, help: string, bounds: readonly number[], space: LabelSpace = {}) {
    super(name, help);
    const { size, labelsOf } = layout(space);
    this.#strides = stridesOf(space);
    this.#bounds = Float64Array.from(bounds);
    this.#buckets = new Float64Array(size * (bounds.length + 1));
    this.#sums = new Float64Array(size);
    this.#labelsOf = labelsOf;
    this.#size = size;
  }

  /** The index of the label set whose value indexes, one per dim, are `a`, `b`, `c`, `d`, `e`. */
  index(a: number, b = 0, c = 0, d = 0, e = 0): number {
    const s = this.#strides;
    return a * s[0] + b * s[1] + c * s[2] + d * s[3] + e * s[4];
  }

  /** Records `value` for label set `i`. */
  observe(i: number, value: number): void {
    const bounds = this.#bounds;
    let b = 0;
    while (b < bounds.length && value > bounds[b]!) b++;
    this.#buckets[i * (bounds.length + 1) + b]! += 1;
    this.#sums[i]! += value;
  }

  /** How many values label set `i` has recorded. */
  count(i = 0): number {
    const n = this.#bounds.length + 1;
    let total = 0;
    for (let b = 0; b < n; b++) total += this.#buckets[i * n + b]!;
    return total;
  }

  samples(): Sample[] {
    const out: Sample[] = [];
    const n = this.#bounds.length + 1;
    for (let i = 0; i < this.#size; i++) {
      const count = this.count(i);
      if (count === 0) continue;
      const labels = this.#labelsOf(i);
      let cumulative = 0;
      for (let b = 0; b < n; b++) {
        cumulative += this.#buckets[i * n + b]!;
        const le = b < this.#bounds.length ? this.#bounds[b]! : "+Inf";
        out.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: cumulative });
      }
      out.push({ metricName: `${this.name}_sum`, labels, value: this.#sums[i]! });
      out.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    return out;
  }
}

/** `start * factor^k` for k in 0..count-1 (client_golang's ExponentialBuckets). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => start * factor ** k);
}
