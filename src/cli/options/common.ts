/** Flags more than one command defines, each written once. */
import type { Command } from "commander";
import { LOG_FORMATS, type LogFormat, setLogFormat } from "../../machinery/log.ts";
import { flag } from "../flags.ts";

/** The `--data-dir` default: the embedded store, the generated PKI and the nginx runtime live here. */
export const DEFAULT_DATA_DIR = "./.kdns";

/** `--data-dir`, for commands that keep files (`up`, `apiserver`, `gateway`). */
export function dataDirFlag(what: string) {
  return flag("--data-dir <dir>", what, { default: DEFAULT_DATA_DIR });
}

/**
 * `--log-format json|text` for commands that run a component; applied before the command's
 * action, so every line the component logs has the chosen form.
 */
export function addLogFormatFlag(cmd: Command): Command {
  cmd.addOption(
    flag("--log-format <format>", "format of kdns's own log lines on stderr (json or text)", {
      default: "json",
      choices: LOG_FORMATS,
    }),
  );
  return cmd.hook("preAction", (self) => setLogFormat((self.opts() as { logFormat: LogFormat }).logFormat));
}
