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
  const common = {
    client: options.client,
    informers: options.informers ?? new SharedInformers(options.client),
    ...(options.metrics !== undefined ? { metrics: options.metrics } : {}),
  };
  const running = [
    startEndpointsController(common, signal),
    startNamespaceController(common, signal),
    startGarbageCollector(common, signal),
    startPodTerminationController(common, signal),
  ];
  return {
    synced: () => running.every((c) => c.synced()),
    close: async () => {
      stop.abort();
      await Promise.all(running.map((c) => c.stopped()));
    },
  };
}
