/**
 * The layers of src/, checked by `npm run deps` (part of `npm test`). An arrow means "may be
 * imported by":
 *
 *   machinery → api → storage → apiserver ─┐
 *                 └──→ client → controllers, dns, gateway → cli → bin
 *
 * - machinery imports nothing else in src; api only machinery.
 * - storage imports api and machinery; only the apiserver opens it (and cli, which wires the
 *   apiserver to a storage backend).
 * - client imports api and machinery; controllers, dns and gateway import client, api and
 *   machinery, and never each other, the apiserver, storage or cli.
 * - cli may import everything but bin; bin may import anything.
 * - test/ and bench/ may import anything; src may import test/ only from its *.test.ts files.
 * - No import cycles, type-only imports included.
 *
 * A test file next to the code (src/x/y.test.ts) is in the layer of its folder.
 */

/** The top folders of src/ that are layers; anything else in src/ is outside the layering. */
const LAYERS = "machinery|api|storage|apiserver|client|controllers|dns|gateway|cli|bin";

/** `to` for "anything in src/ except these folders". */
const srcExcept = (...folders) => ({ path: "^src/", pathNot: `^src/(${folders.join("|")})/` });

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment:
        "This import closes a cycle (type-only imports count): modules on a cycle cannot be understood, " +
        "tested or loaded one without the other. Move what both need into a module below both.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "machinery-is-the-bottom",
      comment:
        "src/machinery is the bottom layer (selectors, status errors, merge patches, logging): it imports " +
        "nothing else in src. Pass what it needs as a structural type or a parameter instead.",
      severity: "error",
      from: { path: "^src/machinery/" },
      to: srcExcept("machinery"),
    },
    {
      name: "api-only-on-machinery",
      comment: "src/api (the resource types, defaults and validation) may import src/machinery only.",
      severity: "error",
      from: { path: "^src/api/" },
      to: srcExcept("api", "machinery"),
    },
    {
      name: "storage-only-on-api-and-machinery",
      comment: "src/storage (the key-value backends) may import src/api and src/machinery only.",
      severity: "error",
      from: { path: "^src/storage/" },
      to: srcExcept("storage", "api", "machinery"),
    },
    {
      name: "apiserver-only-on-storage-api-machinery",
      comment:
        "src/apiserver serves src/storage through the API: it may import storage, api and machinery, never " +
        "the client, the components (controllers, dns, gateway) or the cli.",
      severity: "error",
      from: { path: "^src/apiserver/" },
      to: srcExcept("apiserver", "storage", "api", "machinery"),
    },
    {
      name: "only-apiserver-opens-storage",
      comment:
        "Only the apiserver (and the cli, which wires it to a backend) imports src/storage; clients and " +
        "components reach stored objects through the API.",
      severity: "error",
      from: { path: "^src/(client|controllers|dns|gateway)/" },
      to: { path: "^src/storage/" },
    },
    {
      name: "client-only-on-api-and-machinery",
      comment: "src/client (REST client, informers, work queues) may import src/api and src/machinery only.",
      severity: "error",
      from: { path: "^src/client/" },
      // src/storage is reported by only-apiserver-opens-storage.
      to: srcExcept("client", "api", "machinery", "storage"),
    },
    {
      name: "components-only-on-client-api-machinery",
      comment:
        "controllers, dns and gateway are separate components on top of the client: each may import " +
        "src/client, src/api and src/machinery, never another component, the apiserver or the cli. " +
        "What two of them share belongs in a layer below them.",
      severity: "error",
      from: { path: "^src/(controllers|dns|gateway)/" },
      // src/storage is reported by only-apiserver-opens-storage.
      to: srcExcept("$1", "client", "api", "machinery", "storage"),
    },
    {
      name: "cli-not-on-bin",
      comment: "src/cli may import every layer but src/bin, the entry point that loads it.",
      severity: "error",
      from: { path: "^src/cli/" },
      to: { path: "^src/bin/" },
    },
    {
      name: "src-not-on-tests",
      comment: "Code in src/ does not import test/ or bench/; only src's own *.test.ts files may use test/support.",
      severity: "error",
      from: { path: "^src/", pathNot: "[.]test[.]ts$" },
      to: { path: "^(test|bench)/" },
    },
    {
      name: "src-folders-are-layers",
      comment: `Every module in src/ is in one of the layers (${LAYERS.replaceAll("|", ", ")}); add a new folder to the rules in .dependency-cruiser.cjs with its place in the layering.`,
      severity: "error",
      from: { path: "^src/", pathNot: `^src/(${LAYERS})/` },
      to: {},
    },
    {
      name: "no-imports-outside-the-layers",
      comment: `Imports into src/ go to one of the layers (${LAYERS.replaceAll("|", ", ")}); add a new folder to the rules in .dependency-cruiser.cjs with its place in the layering.`,
      severity: "error",
      from: {},
      to: { path: "^src/", pathNot: `^src/(${LAYERS})/` },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that resolves to no file: a typo, a moved module or a package missing from package.json.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Type-only imports count (type-only cycles and wrong-way type imports are caught too). swc
    // parses TypeScript as written and keeps every `import type`, which is what tsPreCompilationDeps
    // asks of the tsc parser; that parser needs the `typescript` package at <7, and the project's is
    // 7 (the native compiler), so setting tsPreCompilationDeps would only print a warning.
    parser: "swc",
    // Resolve as tsc does: nodenext, `.ts` extensions in imports (allowImportingTsExtensions).
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
      extensions: [".ts", ".js", ".d.ts", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
