/** What the started parts of a command hand each other. */
import type { MountHandler } from "../../apiserver/index.ts";
import type { TlsTrust } from "../../client/transport.ts";

/** Where progress lines (`kdns: api server listening on …`) go. */
export type Say = (line: string) => void;

/** Handle on a started API server, as later parts need it. */
export interface StartedApi {
  url: string;
  addReadyCheck(name: string, check: () => boolean, detail?: () => string): void;
  /** Serves paths under `prefix` beside the API (the console). */
  mount(prefix: string, handler: MountHandler, options?: { public?: boolean }): void;
  /** With https: how in-process clients trust the server, and the CA PEM for kubeconfigs. */
  trust?: TlsTrust;
  kubeconfigCa?: string;
}
