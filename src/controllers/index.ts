/**
 * The controllers' public surface: one call starts every controller kdns runs against an API
 * server, and resolves once they are started (not necessarily synced: see `synced()`).
 */
import type { Registry } from "prom-client";
import type { RestClient } from "../client/rest-client.ts";
import { SharedInformers } from "../client/shared-informers.ts";
import { startEndpointsController } from "./endpoints/controller.ts";
import { startGarbageCollector } from "./gc/controller.ts";
import { startNamespaceController } from "./namespace/controller.ts";
import { ObjectInformers } from "./object-informers.ts";
import { startPodTerminationController } from "./pod-termination/controller.ts";

/** What {@link startControllers} needs. */
export interface ControllersOptions {
  client: RestClient;
  /** Aborting stops every controller, like {@link RunningControllers.close}. */
  signal?: AbortSignal;
  /** Where the controllers' work queues and informers are counted. */
  metrics?: Registry;
  /** Share list + watch with the process's other components (`kdns up`); default: the controllers share among themselves. */
  informers?: SharedInformers;
}

/** Handle on the running controllers. */
export interface RunningControllers {
  /** Whether every controller's informer caches have synced. */
  synced(): boolean;
  /** Stops every controller and waits for in-flight syncs to finish. */
  close(): Promise<void>;
}

/** Starts every controller: Endpoints + EndpointSlices, namespace termination, garbage collection, the end of pods' grace periods. */
export async function startControllers(options: ControllersOptions): Promise<RunningControllers> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const informers = options.informers ?? new SharedInformers(options.client);
  const metrics = options.metrics !== undefined ? { metrics: options.metrics } : {};
  // One cache of every object's ownership metadata for the collector and the namespace controller.
  const objects = new ObjectInformers(
    informers,
    // Labelled as before they were shared, apart from the endpoints controller's same resources.
    options.metrics ? { registry: options.metrics, component: "garbage-collector" } : undefined,
  );
  const common = { client: options.client, informers, ...metrics };
  const running = [
    startEndpointsController(common, signal),
    startNamespaceController({ ...common, objects }, signal),
    startGarbageCollector({ client: options.client, objects, ...metrics }, signal),
    startPodTerminationController(common, signal),
  ];
  objects.start(signal);
  return {
    synced: () => running.every((c) => c.synced()),
    close: async () => {
      stop.abort();
      await Promise.all(running.map((c) => c.stopped()));
    },
  };
}
