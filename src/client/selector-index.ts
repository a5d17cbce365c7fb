/**
 * Objects that select others by an equality selector (a Service's `spec.selector` map), found
 * from the labels of an object they may select without trying every selector of the namespace.
 * Each selector is filed under one of its `key=value` pairs, the one the fewest selectors were
 * filed under when it came: any object it matches carries that pair, so the object's own labels
 * name every selector that can match it, and only those are checked. Kubernetes'
 * GetPodServices checks every Service of the pod's namespace instead: with 100 Services a
 * namespace, 100 checks per pod event, where this does one per Service the pod could belong to.
 */
import { type LabelSelector, matchesLabels, selectorFromMap } from "../machinery/labels.ts";
import { labelIndexValue } from "./index-funcs.ts";

/** One selector and the pair it is filed under. */
interface Filed {
  selector: LabelSelector;
  pair: string;
}

/** The index, keyed by the selecting object's namespace and name. */
export class SelectorIndex {
  /** By namespace, then name. */
  readonly #byName = new Map<string, Map<string, Filed>>();
  /** By {@link labelIndexValue} of the pair they are filed under: the names filed there. */
  readonly #byPair = new Map<string, Map<string, LabelSelector>>();
  #checked = 0;

  /** Files (or refiles) `namespace/name` with the selector of `map`; an empty map matches nothing and is not filed. */
  set(namespace: string, name: string, map: Readonly<Record<string, string>>): void {
    this.delete(namespace, name);
    let pair: string | undefined;
    let fewest = Number.POSITIVE_INFINITY;
    for (const key of Object.keys(map).sort()) {
      const candidate = labelIndexValue(namespace, key, map[key] ?? "");
      const filed = this.#byPair.get(candidate)?.size ?? 0;
      if (filed < fewest) [pair, fewest] = [candidate, filed];
    }
    if (pair === undefined) return;
    const selector = selectorFromMap(map);
    let names = this.#byName.get(namespace);
    if (!names) this.#byName.set(namespace, (names = new Map()));
    names.set(name, { selector, pair });
    let atPair = this.#byPair.get(pair);
    if (!atPair) this.#byPair.set(pair, (atPair = new Map()));
    atPair.set(name, selector);
  }

  /** Drops `namespace/name`. */
  delete(namespace: string, name: string): void {
    const names = this.#byName.get(namespace);
    const filed = names?.get(name);
    if (!names || !filed) return;
    names.delete(name);
    if (names.size === 0) this.#byName.delete(namespace);
    const atPair = this.#byPair.get(filed.pair);
    atPair?.delete(name);
    if (atPair?.size === 0) this.#byPair.delete(filed.pair);
  }

  /** The parsed selector of `namespace/name`, if filed. */
  get(namespace: string, name: string): LabelSelector | undefined {
    return this.#byName.get(namespace)?.get(name)?.selector;
  }

  /**
   * The names of the objects in `namespace` whose selectors match any of `labelSets`, each once:
   * only the selectors filed under one of their labels are checked.
   */
  matching(namespace: string, ...labelSets: (Readonly<Record<string, string>> | undefined)[]): string[] {
    const out = new Set<string>();
    for (const labels of labelSets) {
      if (!labels) continue;
      for (const key in labels) {
        const atPair = this.#byPair.get(labelIndexValue(namespace, key, labels[key] ?? ""));
        if (!atPair) continue;
        for (const [name, selector] of atPair) {
          if (out.has(name)) continue;
          this.#checked++;
          if (matchesLabels(selector, labels)) out.add(name);
        }
      }
    }
    return [...out];
  }

  /** How many selector checks {@link matching} has made: the work of finding an object's selectors, which tests bound. */
  get checked(): number {
    return this.#checked;
  }
}
