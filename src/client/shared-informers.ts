/**
 * Informers that share one list and one watch per resource (client-go's SharedInformerFactory):
 * `kdns up` hands one of these to every component it runs in-process, so the API server serves
 * one watch of pods instead of one per component, and each event is parsed once. Each informer
 * still keeps its own cache of what its transform makes of the objects (a component's slim view),
 * its own indexes and handlers; only the {@link Reflector} underneath is shared.
 */
import type { ResourceInfo } from "../api/resources.ts";
import type { KubeObject } from "../api/types.ts";
import { Informer, type InformerOptions, type InformerSource } from "./informer.ts";
import { Reflector } from "./reflector.ts";

/** One reflector per resource, namespace and label selector; see the file comment. */
export class SharedInformers {
  readonly #source: InformerSource;
  readonly #reflectors = new Map<string, Reflector<KubeObject>>();

  constructor(source: InformerSource) {
    this.#source = source;
  }

  /**
   * An informer of `info` fed by the shared reflector of the same resource, namespace and label
   * selector; start it as any informer (the list and watch run while one of them runs).
   */
  informer<T extends KubeObject, V = T>(info: ResourceInfo, options: InformerOptions<T, V> = {}): Informer<T, V> {
    const key = `${info.group}/${info.resource} ${options.namespace ?? ""} ${options.labelSelector ?? ""}`;
    let reflector = this.#reflectors.get(key);
    if (!reflector) {
      reflector = new Reflector<KubeObject>(this.#source, info, options);
      this.#reflectors.set(key, reflector);
    }
    return new Informer<T, V>(this.#source, info, { ...options, reflector: reflector as unknown as Reflector<T> });
  }
}
