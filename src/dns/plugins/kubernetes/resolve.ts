/**
 * Pure resolution in the cluster zone: name + type → records, NODATA or NXDOMAIN, following the
 * Kubernetes DNS specification 1.1.0 and CoreDNS's kubernetes plugin where the spec is silent
 * (the behaviours, row by row: docs/dns-behaviour.md).
 */
import { isIP } from "node:net";
import type { OwnedRecord } from "../../answers/encode.ts";
import { QTYPE, RCODE } from "../../wire/constants.ts";
import type { RecordData } from "../../wire/records.ts";
import type { ZoneSource } from "./cluster-records.ts";
import { ipFromDashed } from "./names.ts";

/** How pod names `a-b-c-d.ns.pod.<zone>` are answered (CoreDNS `pods`). */
export type PodMode = "disabled" | "insecure" | "verified";

/** Settings of the cluster zone. */
export interface ClusterZoneConfig {
  zone: string;
  ttl: number;
  pods: PodMode;
}

/** Outcome of resolving one question. */
export type Resolution =
  | { type: "answer"; rcode: number; answers: OwnedRecord[]; additionals: OwnedRecord[]; soa: boolean }
  /** A CNAME chain that leaves the zone: the rest must be resolved upstream. */
  | { type: "chase"; answers: OwnedRecord[]; target: string }
  /** Not this plugin's (outside the zone, or a reverse name it does not know). */
  | { type: "next" };

const TYPE_NAMES: Record<number, RecordData["type"]> = {
  [QTYPE.A]: "A",
  [QTYPE.AAAA]: "AAAA",
  [QTYPE.CNAME]: "CNAME",
  [QTYPE.PTR]: "PTR",
  [QTYPE.SRV]: "SRV",
  [QTYPE.TXT]: "TXT",
  [QTYPE.SOA]: "SOA",
  [QTYPE.NS]: "NS",
  [QTYPE.HINFO]: "HINFO",
};

/** The TTL a record is served with: 28800 for the schema TXT as in the spec, SOA capped at 300 as CoreDNS does. */
function ttlOf(cfg: ClusterZoneConfig, name: string, data: RecordData): number {
  if (data.type === "TXT" && name === `dns-version.${cfg.zone}`) return 28800;
  if (data.type === "SOA") return Math.min(cfg.ttl, 300);
  return cfg.ttl;
}

const nodata = (): Resolution => ({ type: "answer", rcode: RCODE.NOERROR, answers: [], additionals: [], soa: true });
const nxdomain = (): Resolution => ({ type: "answer", rcode: RCODE.NXDOMAIN, answers: [], additionals: [], soa: true });

/** Whether `name` is the zone or below it. */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** Resolves one question (name lower-cased, no trailing dot). */
export function resolve(data: ZoneSource, cfg: ClusterZoneConfig, name: string, qtype: number): Resolution {
  if (name.endsWith(".in-addr.arpa") || name.endsWith(".ip6.arpa")) {
    const ptrs = qtype === QTYPE.PTR ? data.pointers(name) : [];
    if (!ptrs.length) return { type: "next" };
    return {
      type: "answer",
      rcode: RCODE.NOERROR,
      answers: ptrs.map((data) => ({ owner: "qname", ttl: cfg.ttl, data })),
      additionals: [],
      soa: false,
    };
  }
  if (!inZone(name, cfg.zone)) return { type: "next" };
  const rel = name === cfg.zone ? [] : name.slice(0, -(cfg.zone.length + 1)).split(".");
  if (rel.length === 3 && rel[2] === "pod") return resolvePod(cfg, data, rel[0]!, rel[1]!, qtype);
  // CoreDNS: `svc.<zone>`, `pod.<zone>` and `<ns>.svc|pod.<zone>` exist (NODATA) for any namespace.
  if ((rel.length === 1 || rel.length === 2) && (rel[rel.length - 1] === "svc" || rel[rel.length - 1] === "pod")) {
    return nodata();
  }
  const set = data.recordsFor(name);
  if (!set.exists(name)) return nxdomain();
  const type = TYPE_NAMES[qtype];
  const cname = set.records(name, "CNAME")[0];
  if (cname && cname.type === "CNAME" && qtype !== QTYPE.CNAME)
    return chase(data, cfg, name, cname.target, cname, type);
  const records = type ? set.records(name, type) : [];
  if (!records.length) return nodata();
  return {
    type: "answer",
    rcode: RCODE.NOERROR,
    answers: records.map((data) => ({ owner: "qname", ttl: ttlOf(cfg, name, data), data })),
    additionals: glue(data, cfg, records),
    soa: false,
  };
}

/** A/AAAA of SRV targets and NS names held in the zone (spec: "MAY carry the A/AAAA of SRV targets"). */
function glue(data: ZoneSource, cfg: ClusterZoneConfig, records: RecordData[]): OwnedRecord[] {
  const out: OwnedRecord[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (r.type !== "SRV" && r.type !== "NS") continue;
    if (seen.has(r.target)) continue;
    seen.add(r.target);
    const set = data.recordsFor(r.target);
    for (const rec of [...set.records(r.target, "A"), ...set.records(r.target, "AAAA")])
      out.push({ owner: r.target, ttl: cfg.ttl, data: rec });
  }
  return out;
}

const MAX_CHAIN = 8;

function chase(
  data: ZoneSource,
  cfg: ClusterZoneConfig,
  name: string,
  firstTarget: string,
  first: RecordData,
  type: RecordData["type"] | undefined,
): Resolution {
  const answers: OwnedRecord[] = [{ owner: "qname", ttl: cfg.ttl, data: first }];
  const seen = new Set([name]);
  let target = firstTarget;
  for (let i = 0; i < MAX_CHAIN; i++) {
    if (seen.has(target)) break; // a loop: answer what we have
    seen.add(target);
    if (!inZone(target, cfg.zone)) return { type: "chase", answers, target };
    const set = data.recordsFor(target);
    const next = set.records(target, "CNAME")[0];
    if (next && next.type === "CNAME") {
      answers.push({ owner: target, ttl: cfg.ttl, data: next });
      target = next.target;
      continue;
    }
    for (const rec of type ? set.records(target, type) : []) answers.push({ owner: target, ttl: cfg.ttl, data: rec });
    break;
  }
  return { type: "answer", rcode: RCODE.NOERROR, answers, additionals: [], soa: false };
}

function resolvePod(
  cfg: ClusterZoneConfig,
  pods: ZoneSource,
  label: string,
  namespace: string,
  qtype: number,
): Resolution {
  if (cfg.pods === "disabled") return nxdomain();
  const ip = ipFromDashed(label);
  if (!ip) return nxdomain();
  if (cfg.pods === "verified" && !pods.hasPod(namespace, ip)) return nxdomain();
  const family = isIP(ip);
  if ((family === 4 && qtype === QTYPE.A) || (family === 6 && qtype === QTYPE.AAAA)) {
    const data: RecordData = { type: family === 4 ? "A" : "AAAA", address: ip };
    return {
      type: "answer",
      rcode: RCODE.NOERROR,
      answers: [{ owner: "qname", ttl: cfg.ttl, data }],
      additionals: [],
      soa: false,
    };
  }
  return nodata();
}
