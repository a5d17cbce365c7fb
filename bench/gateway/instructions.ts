/**
 * Instructions an nginx configuration executes per proxied request, counted by valgrind's
 * callgrind: one nginx process (`master_process off`, one worker's work) under callgrind, eight
 * keep-alive connections from this process, counting switched on only for the measured requests.
 * The count does not move with other load on the machine, so it tells two renderings apart where
 * requests per second on a shared two-CPU machine cannot; it leaves out the kernel's share
 * (sockets, about three quarters of nginx's CPU time here).
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { join } from "node:path";
import { promisify } from "node:util";
import { type Child, startPinned } from "../support/proc.ts";

const exec = promisify(execFile);

/** One measurement. */
export interface InstructionsOptions {
  nginx: string;
  /** Runtime directory (`-p`), holding whatever files the configuration names. */
  dir: string;
  /** The configuration, listening on `port` of 127.0.0.1. */
  config: string;
  port: number;
  /** Over HTTPS (SNI `host`) or plain HTTP. */
  tls: boolean;
  /** Host header (and SNI). */
  host: string;
  path: string;
  /** Requests counted (after as many uncounted ones to open the connections). */
  requests: number;
}

/** Instructions per request, as callgrind counts them. */
export async function instructionsPerRequest(o: InstructionsOptions): Promise<number> {
  await mkdir(join(o.dir, "logs"), { recursive: true });
  await mkdir(join(o.dir, "tmp"), { recursive: true });
  await writeFile(join(o.dir, "nginx.conf"), o.config);
  const out = join(o.dir, "callgrind.out");
  const child: Child = startPinned(undefined, "valgrind", [
    "--tool=callgrind",
    "--instr-atstart=no",
    `--callgrind-out-file=${out}`,
    o.nginx,
    "-p",
    `${o.dir}/`,
    "-c",
    join(o.dir, "nginx.conf"),
    "-e",
    "stderr",
    "-g",
    "daemon off; master_process off;",
  ]);
  const agent = o.tls
    ? new HttpsAgent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: false })
    : new HttpAgent({ keepAlive: true, maxSockets: 8 });
  const get = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = (o.tls ? httpsRequest : httpRequest)(
        {
          host: "127.0.0.1",
          port: o.port,
          path: o.path,
          agent,
          headers: { host: o.host },
          ...(o.tls ? { servername: o.host } : {}),
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end();
    });
  const load = async (n: number): Promise<void> => {
    let left = n;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (left-- > 0) {
          const status = await get();
          if (status !== 200) throw new Error(`instructions: status ${status} from ${o.host}${o.path}`);
        }
      }),
    );
  };
  try {
    for (let i = 0; ; i++) {
      if (child.proc.exitCode !== null) throw new Error(`nginx under valgrind exited:\n${child.output()}`);
      try {
        await get();
        break;
      } catch {
        if (i > 600) throw new Error(`nginx under valgrind did not answer:\n${child.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await load(o.requests);
    const pid = String(child.proc.pid);
    await exec("callgrind_control", ["-i", "on", pid]);
    await load(o.requests);
    await exec("callgrind_control", ["-i", "off", pid]);
    await exec("callgrind_control", ["-d", pid]);
  } finally {
    agent.destroy();
    await child.stop();
  }
  let total = 0;
  for (const f of (await readdir(o.dir)).filter((f) => f.startsWith("callgrind.out"))) {
    const m = /^totals: (\d+)/m.exec(await readFile(join(o.dir, f), "utf8"));
    if (m) total = Math.max(total, Number(m[1]));
  }
  if (total === 0) throw new Error(`instructions: callgrind counted nothing in ${o.dir}`);
  return total / o.requests;
}
