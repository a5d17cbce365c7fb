/** `kdns explain dns` on a running chain: one question, or a pod's search-path expansion of it. */
import type { DnsPlugin, Next } from "../plugin.ts";
import { type DnsExplanation, type DnsQuestion, explainQuestion, normalizeQuestion } from "./explain.ts";
import { searchCandidates } from "./search.ts";

export { BadQuestionError, type DnsExplanation, type DnsQuestion, type ExplainedRecord } from "./explain.ts";

/** One step of a search-path expansion. */
export interface SearchStep {
  name: string;
  rcode: string;
  answers: number;
}

/** An explanation, with the search steps a pod went through when asked `--from` one. */
export interface DnsExplainResult extends DnsExplanation {
  /** The pod the question was asked from: its namespace and the names it tried. */
  search?: { namespace: string; steps: SearchStep[] };
}

/** Explains `question`; with `pod`, as that pod's resolver asks it (search list, ndots:5). */
export async function explainDns(
  chain: { plugins: readonly DnsPlugin[]; next: Next; zone: string },
  question: DnsQuestion,
  pod?: { namespace: string },
): Promise<DnsExplainResult> {
  if (!pod) return await explainQuestion(chain.plugins, chain.next, question);
  const { name } = normalizeQuestion(question);
  const steps: SearchStep[] = [];
  let last: DnsExplanation | undefined;
  for (const candidate of searchCandidates(name, pod.namespace, chain.zone)) {
    last = await explainQuestion(chain.plugins, chain.next, { ...question, name: candidate });
    steps.push({ name: candidate, rcode: last.rcode, answers: last.answers.length });
    if (last.rcode === "NOERROR" && last.answers.length > 0) break;
  }
  return { ...last!, search: { namespace: pod.namespace, steps } };
}
