/**
 * Where the cluster zone's answers come from. Like CoreDNS's kubernetes plugin, nothing is indexed
 * by name: a name under `<svc>.<ns>.svc.<zone>` can only come from that Service (with its
 * Endpoints), so its records are built from the stripped objects when a question needs them. Only
 * IP → Service is indexed, for PTR. Built record sets are kept in a bounded cache; the answers
 * built from them are cached by the plugin, tagged with the Services they were read from.
 */
import type { RecordData } from "../../wire/records.ts";
import type { EndpointsInfo, ServiceInfo } from "./model.ts";
import { ipFromReverseName, reverseName } from "./names.ts";
import { RecordSet } from "./record-set.ts";
import { type NamedRecord, serviceRecords } from "./service-records.ts";

/** What resolve() reads. */
export interface ZoneSource {
  /** The records of whatever owns `name`: a Service for names under `<svc>.<ns>.svc.<zone>`, else the zone's own. */
  recordsFor(name: string): RecordSet;
  /** The PTR records of a reverse name. */
  pointers(name: string): RecordData[];
  /** Whether a pod with this IP exists in the namespace (`pods verified`). */
  hasPod(namespace: string, ip: string): boolean;
}

/** A Service and its Endpoints as they were (before a change) or are. */
export interface ServiceState {
  svc: ServiceInfo | undefined;
  eps: EndpointsInfo | undefined;
}

/** Reads of the informer caches. */
export interface ClusterObjects {
  service(namespace: string, name: string): ServiceInfo | undefined;
  endpoints(namespace: string, name: string): EndpointsInfo | undefined;
  hasPod(namespace: string, ip: string): boolean;
}

/** Built record sets kept at most (a few headless services can be large; rebuilding is cheap). */
const MAX_SETS = 4096;

/** The IPs a Service publishes PTR records for: cluster IPs, or a headless Service's ready endpoints. */
function pointerAddresses(state: ServiceState): string[] {
  const { svc, eps } = state;
  if (!svc || svc.kind === "external-name") return [];
  if (svc.kind === "cluster-ip") return svc.clusterIPs;
  return (eps?.subsets ?? []).flatMap((s) => s.addresses.map((a) => a.ip));
}

/** The cluster zone's records, read from the objects on demand. */
export class ClusterRecords implements ZoneSource {
  readonly #zone: string;
  readonly #svcSuffix: string;
  readonly #own: RecordSet;
  readonly #objects: ClusterObjects;
  readonly #sets = new Map<string, RecordSet>();
  /** IP → `namespace/name` of the Services publishing a PTR for it (an array when several). */
  readonly #pointers = new Map<string, string | string[]>();
  #read: string[] = [];

  /** `own`: the zone's own records (apex SOA and NS, their glue, the schema TXT). */
  constructor(zone: string, own: NamedRecord[], objects: ClusterObjects) {
    this.#zone = zone;
    this.#svcSuffix = `.svc.${zone}`;
    this.#own = new RecordSet(own, zone);
    this.#objects = objects;
  }

  recordsFor(name: string): RecordSet {
    if (name.endsWith(this.#svcSuffix)) {
      const labels = name.slice(0, -this.#svcSuffix.length).split(".");
      if (labels.length >= 2) return this.#serviceSet(labels[labels.length - 1]!, labels[labels.length - 2]!);
    }
    return this.#own;
  }

  pointers(name: string): RecordData[] {
    const ip = ipFromReverseName(name);
    const owners = ip === undefined ? undefined : this.#pointers.get(ip);
    if (owners === undefined) return [];
    const out: RecordData[] = [];
    for (const key of typeof owners === "string" ? [owners] : owners) {
      const slash = key.indexOf("/");
      out.push(...this.#serviceSet(key.slice(0, slash), key.slice(slash + 1)).records(name, "PTR"));
    }
    return out;
  }

  hasPod(namespace: string, ip: string): boolean {
    return this.#objects.hasPod(namespace, ip);
  }

  /** `namespace/name` of the Services publishing a PTR for a reverse name (for `explain`). */
  pointerOwners(name: string): string[] {
    const ip = ipFromReverseName(name);
    const owners = ip === undefined ? undefined : this.#pointers.get(ip);
    return owners === undefined ? [] : typeof owners === "string" ? [owners] : [...owners];
  }

  /** The `namespace/name` keys of the Services read since the last call (what an answer depends on). */
  takeRead(): string[] {
    const read = this.#read;
    this.#read = [];
    return read;
  }

  /**
   * The Service or Endpoints `namespace/name` changed; `before` is how both were. Returns the
   * reverse names whose PTR answers may have changed.
   */
  changed(namespace: string, name: string, before: ServiceState): string[] {
    const key = `${namespace}/${name}`;
    this.#sets.delete(key);
    const now: ServiceState = {
      svc: this.#objects.service(namespace, name),
      eps: this.#objects.endpoints(namespace, name),
    };
    const old = new Set(pointerAddresses(before));
    const current = new Set(pointerAddresses(now));
    for (const ip of old) if (!current.has(ip)) this.#removePointer(ip, key);
    for (const ip of current) if (!old.has(ip)) this.#addPointer(ip, key);
    const touched: string[] = [];
    for (const ip of new Set([...old, ...current])) {
      const reverse = reverseName(ip);
      if (reverse) touched.push(reverse);
    }
    return touched;
  }

  #serviceSet(namespace: string, name: string): RecordSet {
    const key = `${namespace}/${name}`;
    this.#read.push(key);
    let set = this.#sets.get(key);
    if (set === undefined) {
      const svc = this.#objects.service(namespace, name);
      set = new RecordSet(
        svc ? serviceRecords(svc, this.#objects.endpoints(namespace, name), this.#zone) : [],
        this.#zone,
      );
      if (this.#sets.size >= MAX_SETS) this.#sets.clear();
      this.#sets.set(key, set);
    }
    return set;
  }

  #addPointer(ip: string, key: string): void {
    const owners = this.#pointers.get(ip);
    if (owners === undefined) this.#pointers.set(ip, key);
    else if (typeof owners === "string") this.#pointers.set(ip, [owners, key]);
    else owners.push(key);
  }

  #removePointer(ip: string, key: string): void {
    const owners = this.#pointers.get(ip);
    if (owners === undefined) return;
    if (typeof owners === "string") {
      if (owners === key) this.#pointers.delete(ip);
      return;
    }
    const rest = owners.filter((k) => k !== key);
    this.#pointers.set(ip, rest.length === 1 ? rest[0]! : rest);
  }
}
