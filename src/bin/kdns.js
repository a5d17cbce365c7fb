#!/usr/bin/env node
// The installed `kdns` command. Plain JavaScript on purpose, for two things that must happen
// before any TypeScript loads:
// - Node's compile cache: every start after the first reuses the type-stripped code instead of
//   loading Node's TypeScript stripper (about 30 MB of memory per process).
// - `kdns dns` runs with a small young generation: V8 otherwise grows it to tens of MB while the
//   first list of 100,000 objects streams in and keeps it, which is most of the process's memory.
//   With --expose-gc it collects once after that first sync (src/machinery/collect-after-load.ts).
//   Flags can only be given at start, so the process re-executes itself once with them.
import module from "node:module";

const DNS_FLAGS = ["--max-semi-space-size=4", "--expose-gc"];
const wantsSmallYoungGen = process.argv[2] === "dns";
const hasFlag = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].some((a) =>
  a.startsWith("--max-semi-space-size"),
);
if (wantsSmallYoungGen && !hasFlag && typeof process.execve === "function") {
  process.execve(
    process.execPath,
    [process.execPath, ...DNS_FLAGS, ...process.execArgv, ...process.argv.slice(1)],
    process.env,
  );
}

module.enableCompileCache?.();
await import("./kdns.ts");
