/** The object lifecycle through kubectl against `kdns up --store embedded` (on disk). */
import { lifecycleScenario } from "./kubectl-lifecycle.ts";

lifecycleScenario(async () => ({ args: ["--store", "embedded"] }));
