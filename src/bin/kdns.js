#!/usr/bin/env node
// The installed `kdns` command. Plain JavaScript on purpose: it turns on Node's compile cache
// before any TypeScript loads, so every start after the first reuses the type-stripped code
// instead of loading Node's TypeScript stripper (about 30 MB of memory per process).
import module from "node:module";

module.enableCompileCache?.();
await import("./kdns.ts");
