/**
 * `node bench/scale/profile-phases.ts DIR [--top N] [--match REGEX]`: reads the CPU profiles and
 * phase marks a `bench:scale --profile DIR` run wrote, and prints for each `kdns up` what one unit
 * of each counted phase cost in CPU (µs of busy CPU per pod create, per readiness change): in
 * total, in V8's garbage collector, and in the functions (inclusive) that cost the most. A cost
 * that grows from the first tenth of the pods to the last grows with the object count. On a loaded
 * machine the µs are inflated (V8 samples on wall-clock ticks, so time the process waited for a CPU
 * lands on whatever ran next), but each function's share of a phase, and how it moves from phase
 * to phase, hold better than rates do.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { PhaseMark } from "./phase-marks.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node bench/scale/profile-phases.ts DIR [--top N] [--match REGEX]");
  process.exit(2);
}
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const top = Number(arg("--top") ?? 25);
const match = new RegExp(arg("--match") ?? "/src/");

const frameName = (n: ProfileNode): string =>
  `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/src\//, "src/")}:${n.callFrame.lineNumber + 1}`;

/** Busy µs per phase, and per phase the inclusive µs of each frame matching `match`. */
function cut(profile: CpuProfile, marks: PhaseMark[]) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const phases = marks.map((m) => ({ mark: m, busy: 0, gc: 0, frames: new Map<string, number>() }));
  let t = profile.startTime;
  let p = -1;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    while (p + 1 < marks.length && t >= (marks[p + 1]?.us ?? Number.POSITIVE_INFINITY)) p++;
    const phase = phases[p];
    const leaf = byId.get(profile.samples[i] ?? -1);
    if (!phase || !leaf || leaf.callFrame.functionName === "(idle)") continue;
    phase.busy += dt;
    if (leaf.callFrame.functionName === "(garbage collector)") phase.gc += dt;
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      if (!node || !match.test(node.callFrame.url)) continue;
      const name = frameName(node);
      if (seen.has(name)) continue;
      seen.add(name);
      phase.frames.set(name, (phase.frames.get(name) ?? 0) + dt);
    }
  }
  return phases.filter((ph) => ph.mark.units);
}

const files = await readdir(dir);
for (const marksFile of files.filter((f) => /^phases\.\d+\.json$/.test(f))) {
  const pid = marksFile.split(".")[1];
  const profileFile = files.find((f) => f.endsWith(".cpuprofile") && f.split(".")[3] === pid);
  if (!profileFile) {
    console.error(`${marksFile}: no CPU profile of pid ${pid} in ${dir}`);
    continue;
  }
  const marks = JSON.parse(await readFile(join(dir, marksFile), "utf8")) as PhaseMark[];
  const phases = cut(JSON.parse(await readFile(join(dir, profileFile), "utf8")) as CpuProfile, marks);
  const per = (us: number, units: number | undefined): string => (us / (units ?? 1)).toFixed(0).padStart(7);
  console.log(`\n${profileFile}: µs of busy CPU per unit (pod create, readiness change)`);
  console.log(`${"".padEnd(60)}${phases.map((ph) => ph.mark.phase.padStart(12)).join("")}`);
  console.log(`${"busy".padEnd(60)}${phases.map((ph) => per(ph.busy, ph.mark.units).padStart(12)).join("")}`);
  console.log(
    `${"(garbage collector)".padEnd(60)}${phases.map((ph) => per(ph.gc, ph.mark.units).padStart(12)).join("")}`,
  );
  const total = new Map<string, number>();
  for (const ph of phases)
    for (const [name, us] of ph.frames) total.set(name, (total.get(name) ?? 0) + us / (ph.mark.units ?? 1));
  for (const [name] of [...total].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `${name.slice(0, 59).padEnd(60)}${phases.map((ph) => per(ph.frames.get(name) ?? 0, ph.mark.units).padStart(12)).join("")}`,
    );
}
