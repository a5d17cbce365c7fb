/** The kubectl workflow against `kdns up --store memory`. */
import { kubectlScenario } from "./kubectl-scenario.ts";

kubectlScenario(async () => ({ args: ["--store", "memory"] }));
