/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package does
 * it: a candidate takes the lease when it is free or its holder has not renewed it for a lease
 * duration, the holder renews it every retry period, and a holder that cannot renew within the
 * renew deadline stops leading. Expiry is judged by when this candidate last saw the lease change
 * (its own clock), never by the holder's renewTime, so clock skew between machines does no harm.
 * On stop the holder releases the lease, so a restarted or replacing replica takes over at once.
 */
import { resourceByPath } from "../api/resources.ts";
import type { Lease } from "../api/types.ts";
import { logger } from "../machinery/log.ts";
import { ClientError, type RestClient } from "./rest-client.ts";

/** Options of {@link LeaderElector}. */
export interface LeaderElectionOptions {
  client: RestClient;
  /** Where the Lease lives. */
  namespace: string;
  name: string;
  /** This candidate's identity, written to `spec.holderIdentity`; unique among the candidates. */
  identity: string;
  /** How long a lease stays held without renewal (default 15 s, client-go's usual). */
  leaseDurationMs?: number;
  /** How long the holder keeps trying to renew before it stops leading (default 10 s). */
  renewDeadlineMs?: number;
  /** How often to try to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  /** Called when this candidate starts or stops leading. */
  onChange?(leading: boolean): void;
}

const LEASES = resourceByPath("coordination.k8s.io", "leases");

/** RFC 3339 with microseconds, as metav1.MicroTime is written. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "000Z");
}

/** One candidate in an election; {@link run} until its signal aborts. */
export class LeaderElector {
  readonly #o: Required<Omit<LeaderElectionOptions, "onChange">> & Pick<LeaderElectionOptions, "onChange">;
  #leading = false;
  #lastRenew = 0;
  /** The lease as last seen (its JSON) and when it was first seen so, by this candidate's clock. */
  #observed = "";
  #observedAt = 0;
  readonly #log = logger("leader-election");

  constructor(options: LeaderElectionOptions) {
    this.#o = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, ...options };
  }

  /** Whether this candidate leads now. */
  isLeader(): boolean {
    return this.#leading;
  }

  /** Tries to acquire or renew every retry period until `signal` aborts, then releases the lease. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const ok = await this.#tryAcquireOrRenew(Date.now()).catch((err: unknown) => {
        this.#log.warn({ lease: this.#where(), err: String(err) }, "leader election: lease not acquired or renewed");
        return false;
      });
      if (ok) this.#lastRenew = Date.now();
      this.#set(ok || (this.#leading && Date.now() - this.#lastRenew < this.#o.renewDeadlineMs));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.#o.retryPeriodMs);
        signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
      });
    }
    if (this.#leading) await this.#release().catch(() => undefined);
    this.#set(false);
  }

  #where(): string {
    return `${this.#o.namespace}/${this.#o.name}`;
  }

  #set(leading: boolean): void {
    if (leading === this.#leading) return;
    this.#leading = leading;
    this.#log.info({ lease: this.#where(), identity: this.#o.identity }, leading ? "became leader" : "stopped leading");
    this.#o.onChange?.(leading);
  }

  async #tryAcquireOrRenew(now: number): Promise<boolean> {
    if (!LEASES) throw new Error("the Lease resource is not in the resource table");
    const { client, namespace, name, identity } = this.#o;
    const spec = (acquireTime: string, transitions: number): NonNullable<Lease["spec"]> => ({
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.#o.leaseDurationMs / 1000),
      acquireTime,
      renewTime: microTime(now),
      leaseTransitions: transitions,
    });
    let current: Lease;
    try {
      current = await client.get<Lease>(LEASES, namespace, name);
    } catch (err) {
      if (!(err instanceof ClientError && err.status.code === 404)) throw err;
      await client.create(LEASES, namespace, {
        metadata: { name, namespace },
        spec: spec(microTime(now), 0),
      } satisfies Omit<Lease, "apiVersion" | "kind">);
      return true;
    }
    const seen = JSON.stringify(current.spec ?? {});
    if (seen !== this.#observed) {
      this.#observed = seen;
      this.#observedAt = now;
    }
    const holder = current.spec?.holderIdentity ?? "";
    const mine = holder === identity;
    const durationMs = (current.spec?.leaseDurationSeconds ?? 0) * 1000;
    if (!mine && holder !== "" && now < this.#observedAt + durationMs) return false;
    const transitions = current.spec?.leaseTransitions ?? 0;
    const acquired = mine ? (current.spec?.acquireTime ?? microTime(now)) : microTime(now);
    // A PUT carrying the resourceVersion read: a candidate that raced us gets 409 and waits.
    await client.update(LEASES, { ...current, spec: spec(acquired, mine ? transitions : transitions + 1) });
    return true;
  }

  /** Gives the lease up (empty holder, so the next candidate need not wait for it to expire). */
  async #release(): Promise<void> {
    if (!LEASES) return;
    const { client, namespace, name, identity } = this.#o;
    const current = await client.get<Lease>(LEASES, namespace, name);
    if (current.spec?.holderIdentity !== identity) return;
    await client.update(LEASES, {
      ...current,
      spec: { ...current.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: microTime(Date.now()) },
    });
  }
}
