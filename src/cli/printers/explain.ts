/** The text form of `kdns explain dns` and `kdns explain route` (pure). */
import type { DnsExplainResult } from "../../dns/index.ts";
import type { RouteExplanation } from "../../gateway/index.ts";
import type { EndpointDetail } from "../console/endpoint-detail.ts";

/** A DNS explanation as lines of text. */
export function printDnsExplanation(e: DnsExplainResult & { endpoints?: EndpointDetail[] }): string {
  const out: string[] = [];
  if (e.search) {
    out.push(`Asked from a pod in namespace ${e.search.namespace} (search list, ndots:5):`);
    for (const s of e.search.steps)
      out.push(`  ${s.name.padEnd(50)} ${s.rcode}${s.answers ? ` (${s.answers} records)` : ""}`);
    out.push("");
  }
  out.push(
    `${e.question.name} ${e.question.type} (asked as ${e.question.client}): ${e.rcode}${e.authoritative ? ", authoritative" : ""}`,
  );
  out.push(`Answered by: ${e.answeredBy}${e.upstream ? ` (upstream ${e.upstream})` : ""}`);
  if (e.answers.length) {
    out.push("Answer:");
    for (const a of e.answers) out.push(`  ${a.name}  ${a.ttl}  ${a.type}  ${a.data}`);
  }
  if (e.additionals.length) {
    out.push("Additional:");
    for (const a of e.additionals) out.push(`  ${a.name}  ${a.ttl}  ${a.type}  ${a.data}`);
  }
  out.push("Why:");
  for (const n of e.plugins) {
    out.push(`  ${n.plugin} ${n.verdict}${n.reasons.length ? `: ${n.reasons.filter(Boolean).join("; ")}` : ""}`);
    if (n.objects?.length) out.push(`    from ${n.objects.join(", ")}`);
  }
  if (e.endpoints?.length) {
    out.push("Endpoints:");
    for (const a of e.endpoints) {
      const who = [a.hostname ? `hostname ${a.hostname}` : "", a.pod ? `pod ${a.pod}` : ""].filter(Boolean).join(", ");
      out.push(`  ${a.endpoints}  ${a.ip}${who ? ` (${who})` : ""}  ${a.ready ? "ready" : "not ready"}`);
    }
  }
  if (e.suggestion) out.push(`Hint: ${e.suggestion}`);
  return `${out.join("\n")}\n`;
}

/** A route explanation as lines of text. */
export function printRouteExplanation(e: RouteExplanation): string {
  const out: string[] = [];
  const answer = e.outcome === "proxied" ? "proxied to a backend" : `${e.status} (${e.outcome})`;
  out.push(`${e.url}: ${answer}   [engine ${e.engine}]`);
  if (e.object) out.push(`Route:     ${e.object}, prefix ${e.prefix} → ${e.target}`);
  if (e.rewrittenPath !== undefined) out.push(`Path:      ${e.path} → ${e.rewrittenPath} (as the backend sees it)`);
  if (e.backends) out.push(`Backends:  ${e.backends.join(", ") || "none ready"}${e.next ? `; next: ${e.next}` : ""}`);
  if (e.notReady) out.push(`Not ready: ${e.notReady.join(", ")} (not routed to)`);
  if (e.location) out.push(`Location:  ${e.location}`);
  if (e.certificate) {
    const c = e.certificate;
    out.push(
      `TLS:       Secret ${c.secret} (${c.object}): ${c.subject.replace(/\n/g, ", ")}; names ${c.names.join(", ")}; valid until ${c.notAfter}`,
    );
  }
  out.push("Why:");
  for (const r of e.reasons) out.push(`  ${r}`);
  return `${out.join("\n")}\n`;
}
