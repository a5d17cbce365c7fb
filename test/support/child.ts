/**
 * Child processes a test starts (kdns, kubectl): an environment that cannot point them at a kdns
 * the user runs next to the tests (`npm start`, whose API, data dir and kubeconfig are the
 * defaults), and a check for waits that ends them at once when the child died.
 */
import type { ChildProcess } from "node:child_process";
import { StopWaiting } from "./wait-for.ts";

/**
 * The runner's environment without the variables that would choose a server, address, data dir
 * or kubeconfig for the child (every `KDNS_*` flag variable, `KUBECONFIG`, which the README has
 * users export), plus `extra`.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("KDNS_") && name !== "KUBECONFIG") env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * For a {@link waitFor} check: throws a {@link StopWaiting} naming `what` (with its output so far)
 * when `child` has exited, so a child that could not start fails the wait at once.
 */
export function stillRunning(child: ChildProcess, what: string, output: () => string = () => ""): void {
  if (child.exitCode === null && child.signalCode === null) return;
  const how = child.exitCode !== null ? `code ${child.exitCode}` : `signal ${child.signalCode}`;
  const said = output().trim();
  throw new StopWaiting(`${what} exited (${how})${said ? `:\n${said}` : ""}`);
}
