/** The contract both gateway engines (nginx, built-in) implement: serve a route table. */
import type { Lookup } from "./builtin/lookup.ts";
import type { RouteTable } from "./routes/model.ts";

/** What applying a table did. */
export type ApplyResult =
  | { type: "applied" }
  | { type: "unchanged" }
  /** The table could not be served; the previous one keeps serving. */
  | { type: "rejected"; error: string };

/** A running engine. */
export interface GatewayEngine {
  /** `nginx` or `builtin`. */
  readonly kind: "nginx" | "builtin";
  /** The address it listens on for plain HTTP, `host:port`. */
  readonly listen: string;
  /** The address it listens on for HTTPS (HTTP/2 and HTTP/1.1), when it does. */
  readonly tlsListen?: string;
  /** Serves `table` from now on (or reports why not). Calls are never concurrent. */
  apply(table: RouteTable): Promise<ApplyResult>;
  /**
   * The live host lookup of the plain (`secure` false) or HTTPS listener, round-robin cursors
   * included, when the engine routes with one (the built-in engine; nginx keeps its own).
   */
  lookup?(secure: boolean): Lookup;
  /** Stops serving and releases the port. */
  close(): Promise<void>;
}
