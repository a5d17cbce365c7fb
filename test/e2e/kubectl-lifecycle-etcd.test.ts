/** The object lifecycle through kubectl against `kdns up --store etcd` on a real etcd. */
import { startEtcd } from "../support/etcd.ts";
import { lifecycleScenario } from "./kubectl-lifecycle.ts";

lifecycleScenario(async () => {
  const etcd = await startEtcd();
  return { args: ["--store", "etcd", "--etcd-endpoints", etcd.endpoint], cleanup: () => etcd.stop() };
});
