/** Flags more than one command defines, each written once. */
import { flag } from "../flags.ts";

/** The `--data-dir` default: the embedded store, the generated PKI and the nginx runtime live here. */
export const DEFAULT_DATA_DIR = "./.kdns";

/** `--data-dir`, for commands that keep files (`up`, `apiserver`, `gateway`). */
export function dataDirFlag(what: string) {
  return flag("--data-dir <dir>", what, { default: DEFAULT_DATA_DIR });
}
