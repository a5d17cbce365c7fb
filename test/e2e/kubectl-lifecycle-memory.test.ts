/** The object lifecycle through kubectl against `kdns up --store memory`. */
import { lifecycleScenario } from "./kubectl-lifecycle.ts";

lifecycleScenario(async () => ({ args: ["--store", "memory"] }));
