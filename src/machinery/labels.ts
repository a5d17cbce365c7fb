/**
 * Label selectors in the Kubernetes string syntax (`a=b,c!=d,e in (x,y),f notin (z),g,!h`),
 * as `?labelSelector=` and `kubectl -l` carry them (apimachinery pkg/labels). Comma is AND; there
 * is no OR. An empty selector matches everything.
 */
import { badRequest } from "./status.ts";
import { isValidLabelKey, isValidLabelValue } from "./validate-names.ts";

/** How one requirement tests a label. `=`/`==` parse to "In" and `!=` to "NotIn" with one value. */
export type LabelOperator = "In" | "NotIn" | "Exists" | "DoesNotExist";

/** One requirement; all of a selector's requirements must hold. */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Empty for Exists/DoesNotExist. */
  values: readonly string[];
}

/** A parsed label selector. No requirements = match everything. */
export interface LabelSelector {
  requirements: readonly LabelRequirement[];
}

type Token = { t: "id"; v: string } | { t: "=" | "==" | "!=" | "(" | ")" | "," | "!" | "in" | "notin" | "end" };

function isSpecial(ch: string): boolean {
  return ch === "=" || ch === "!" || ch === "(" || ch === ")" || ch === "," || /\s/.test(ch);
}

function lex(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "=" && text[i + 1] === "=") {
      out.push({ t: "==" });
      i += 2;
      continue;
    }
    if (ch === "!" && text[i + 1] === "=") {
      out.push({ t: "!=" });
      i += 2;
      continue;
    }
    if (ch === "=" || ch === "!" || ch === "(" || ch === ")" || ch === ",") {
      out.push({ t: ch });
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && !isSpecial(text[j] ?? "")) j++;
    const word = text.slice(i, j);
    out.push(word === "in" || word === "notin" ? { t: word } : { t: "id", v: word });
    i = j;
  }
  out.push({ t: "end" });
  return out;
}

function fail(text: string, why: string): never {
  throw badRequest(`unable to parse requirement: found '${text}', ${why}`);
}

function checkKey(key: string): void {
  const errs = isValidLabelKey(key);
  if (errs.length > 0) throw badRequest(`unable to parse requirement: invalid label key "${key}": ${errs.join("; ")}`);
}

function checkValue(value: string): void {
  const errs = isValidLabelValue(value);
  if (errs.length > 0)
    throw badRequest(`unable to parse requirement: invalid label value: "${value}": ${errs.join("; ")}`);
}

/** Parses the Kubernetes selector syntax; throws a 400 `ApiError` naming what it could not understand. */
export function parseLabelSelector(text: string): LabelSelector {
  const toks = lex(text);
  let pos = 0;
  const peek = (): Token => toks[pos] ?? { t: "end" };
  const next = (): Token => toks[pos++] ?? { t: "end" };
  const reqs: LabelRequirement[] = [];
  if (peek().t === "end") return { requirements: reqs };
  for (;;) {
    let tok = next();
    if (tok.t === "!") {
      tok = next();
      if (tok.t !== "id") fail(text, "identifier expected after '!'");
      checkKey(tok.v);
      reqs.push({ key: tok.v, operator: "DoesNotExist", values: [] });
    } else if (tok.t === "id") {
      const key = tok.v;
      checkKey(key);
      const op = peek();
      if (op.t === "," || op.t === "end") {
        reqs.push({ key, operator: "Exists", values: [] });
      } else if (op.t === "=" || op.t === "==" || op.t === "!=") {
        next();
        const v = peek();
        // `a=` selects an empty value, as in Kubernetes.
        const value = v.t === "id" ? (next(), v.v) : "";
        if (v.t !== "id" && v.t !== "," && v.t !== "end") fail(text, "identifier expected after operator");
        checkValue(value);
        reqs.push({ key, operator: op.t === "!=" ? "NotIn" : "In", values: [value] });
      } else if (op.t === "in" || op.t === "notin") {
        next();
        if (next().t !== "(") fail(text, "'(' expected after set operator");
        const values: string[] = [];
        for (;;) {
          const v = next();
          if (v.t === "id") {
            checkValue(v.v);
            values.push(v.v);
            const sep = next();
            if (sep.t === ")") break;
            if (sep.t !== ",") fail(text, "',' or ')' expected in value set");
          } else if (v.t === ")" && values.length === 0) {
            fail(text, "for 'in', 'notin' operators, values set can't be empty");
          } else {
            fail(text, "identifier expected in value set");
          }
        }
        reqs.push({ key, operator: op.t === "in" ? "In" : "NotIn", values });
      } else {
        fail(text, "operator expected after key");
      }
    } else {
      fail(text, "identifier or '!' expected");
    }
    const sep = next();
    if (sep.t === "end") break;
    if (sep.t !== ",") fail(text, "',' expected between requirements");
    if (peek().t === "end") fail(text, "requirement expected after ','");
  }
  return { requirements: reqs };
}

/** Whether the labels satisfy every requirement (missing labels count as absent, per Kubernetes). */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const r of selector.requirements) {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    const value = has ? labels[r.key] : undefined;
    switch (r.operator) {
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      case "In":
        if (!has || value === undefined || !r.values.includes(value)) return false;
        break;
      case "NotIn":
        if (has && value !== undefined && r.values.includes(value)) return false;
        break;
    }
  }
  return true;
}

/**
 * The selector of a Service's `spec.selector` map: every key equal to its value. An empty map
 * gives an empty selector; callers decide what an empty Service selector means (Kubernetes: no
 * endpoints are managed).
 */
export function selectorFromMap(map: Record<string, string>): LabelSelector {
  return {
    requirements: Object.keys(map)
      .sort()
      .map((key) => ({ key, operator: "In" as const, values: [map[key] ?? ""] })),
  };
}

/** Whether the selector has no requirements (so it matches everything). */
export function isEverything(selector: LabelSelector): boolean {
  return selector.requirements.length === 0;
}

/** The selector back in string form, parseable by {@link parseLabelSelector}. */
export function formatLabelSelector(selector: LabelSelector): string {
  return (
    selector.requirements
      // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch covers every operator; tsc checks that it returns.
      .map((r) => {
        switch (r.operator) {
          case "Exists":
            return r.key;
          case "DoesNotExist":
            return `!${r.key}`;
          case "In":
            return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(",")})`;
          case "NotIn":
            return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(",")})`;
        }
      })
      .join(",")
  );
}
