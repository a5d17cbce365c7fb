/** The kubectl workflow against `kdns up --store etcd` on a real etcd. */
import { startEtcd } from "../support/etcd.ts";
import { kubectlScenario } from "./kubectl-scenario.ts";

kubectlScenario(async () => {
  const etcd = await startEtcd();
  return { args: ["--store", "etcd", "--etcd-endpoints", etcd.endpoint], cleanup: () => etcd.stop() };
});
