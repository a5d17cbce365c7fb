/**
 * How the endpoints controller finds what an event touches without scanning a kind: a pod's
 * Services through an index of their selectors by one of their pairs (selector-index.ts; Kubernetes'
 * GetPodServices tries every Service of the namespace), a Service's pods through the label index,
 * a Service's slices through the service-name index.
 */
import type { EndpointSlice, Pod, Service } from "../../api/types.ts";
import { byLabel, LABEL_INDEX, labelIndexValue } from "../../client/index-funcs.ts";
import type { Informer } from "../../client/informer.ts";
import { SelectorIndex } from "../../client/selector-index.ts";
import type { LabelSelector } from "../../machinery/labels.ts";
import type { Digested } from "./compare.ts";
import { managesEndpoints } from "./pods.ts";
import { MANAGED_BY, MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from "./sync.ts";

/** Index of our EndpointSlices by `namespace/service name`. */
const SLICE_SERVICE_INDEX = "service-name";

/** The informers the lookups read, with their indexes registered by {@link EndpointsLookups}. */
export interface LookupInformers {
  services: Informer<Service>;
  pods: Informer<Pod>;
  slices: Informer<EndpointSlice, Digested>;
}

/** The lookups; construct before the informers start (it registers their indexes and handlers). */
export class EndpointsLookups {
  readonly #informers: LookupInformers;
  /** Parsed selectors of the Services the controller manages, kept until the Service changes. */
  readonly #selectors = new SelectorIndex();

  constructor(informers: LookupInformers) {
    this.#informers = informers;
    informers.pods.addIndex(LABEL_INDEX, byLabel);
    informers.slices.addIndex(SLICE_SERVICE_INDEX, (s, namespace) => {
      const owner = s.metadata.labels?.[SERVICE_NAME_LABEL];
      return owner && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY ? [`${namespace}/${owner}`] : [];
    });
    const remember = (s: Service, namespace: string, name: string): void => this.#remember(s, namespace, name);
    informers.services.on("add", remember);
    informers.services.on("update", (_old, s, namespace, name) => remember(s, namespace, name));
    informers.services.on("delete", (_s, namespace, name) => this.#selectors.delete(namespace, name));
  }

  /** The names of the Services in the pod's namespace whose selectors match any of `versions`' labels. */
  servicesOfPod(namespace: string, ...versions: Pod[]): string[] {
    return this.#selectors.matching(namespace, ...versions.map((p) => p.metadata.labels));
  }

  /**
   * Candidate pods of a Service: those carrying the rarest of its selector's labels. A superset
   * of the selected pods (the pure sync functions apply the whole selector), found by index.
   */
  candidatePods(service: Service): Pod[] {
    if (!managesEndpoints(service)) return [];
    const namespace = service.metadata.namespace ?? "";
    let best: Pod[] | undefined;
    for (const [key, value] of Object.entries(service.spec.selector ?? {})) {
      const found = this.#informers.pods.byIndex(LABEL_INDEX, labelIndexValue(namespace, key, value));
      if (best === undefined || found.length < best.length) best = found.map((f) => f.value);
      if (best.length === 0) break;
    }
    return best ?? [];
  }

  /**
   * The Service's parsed selector, kept since its last change (undefined when the controller does
   * not manage its endpoints).
   */
  selectorOf(namespace: string, name: string): LabelSelector | undefined {
    return this.#selectors.get(namespace, name);
  }

  /** Our EndpointSlices of Service `namespace/name`. */
  slicesOf(namespace: string, name: string): Digested[] {
    return this.#informers.slices.byIndex(SLICE_SERVICE_INDEX, `${namespace}/${name}`).map((f) => f.value);
  }

  #remember(service: Service, namespace: string, name: string): void {
    if (managesEndpoints(service)) this.#selectors.set(namespace, name, service.spec.selector ?? {});
    else this.#selectors.delete(namespace, name);
  }
}
