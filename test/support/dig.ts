/**
 * Running the real `dig` against a test server and reading its answer. Tests use it as the
 * reference DNS client (with Node's dns.Resolver as the second one).
 */
import { execFile, execFileSync } from "node:child_process";
import { type WaitOptions, waitFor } from "./wait-for.ts";

/** One record line of dig's output. */
export interface DigRecord {
  name: string;
  ttl: number;
  type: string;
  data: string;
}

/** What dig printed, parsed. */
export interface DigResult {
  status: string;
  /** Header flags (`qr`, `aa`, `tc`, `rd`, `ra` …). */
  flags: string[];
  /** The question line as printed (case kept), e.g. `web.default.svc.cluster.local. IN A`. */
  question: string;
  answer: DigRecord[];
  authority: DigRecord[];
  additional: DigRecord[];
  /** The OPT pseudo-section: present only when the answer carried an OPT record. */
  edns: { version: number; udp: number } | undefined;
  raw: string;
}

let checked = false;

/** Throws a message naming the package when dig is not installed. */
export function requireDig(): void {
  if (checked) return;
  try {
    execFileSync("dig", ["-v"], { stdio: "ignore" });
    checked = true;
  } catch {
    throw new Error("dig is not installed: run `apt-get install -y bind9-dnsutils`");
  }
}

function parseRecord(line: string): DigRecord | undefined {
  const m = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s*(.*)$/.exec(line);
  return m ? { name: m[1]!, ttl: Number(m[2]), type: m[3]!, data: m[4]!.trim() } : undefined;
}

/** Parses dig's default output. */
export function parseDig(raw: string): DigResult {
  const out: DigResult = {
    status: "",
    flags: [],
    question: "",
    answer: [],
    authority: [],
    additional: [],
    edns: undefined,
    raw,
  };
  let section: "answer" | "authority" | "additional" | "question" | undefined;
  for (const line of raw.split("\n")) {
    const status = /status: ([A-Z]+)/.exec(line);
    if (status) out.status = status[1]!;
    const flags = /^;; flags: ([a-z ]*);/.exec(line);
    if (flags) out.flags = flags[1]!.trim().split(/\s+/);
    const edns = /^; EDNS: version: (\d+), flags:.*; udp: (\d+)/.exec(line);
    if (edns) out.edns = { version: Number(edns[1]), udp: Number(edns[2]) };
    const head = /^;; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:/.exec(line);
    if (head) {
      section = head[1]!.toLowerCase() as typeof section;
      continue;
    }
    if (line.trim() === "") {
      section = undefined;
      continue;
    }
    if (section === "question") out.question = line.replace(/^;/, "").split(/\s+/).join(" ");
    else if (section) {
      const rec = parseRecord(line);
      if (rec) out[section].push(rec);
    }
  }
  return out;
}

/** Runs `dig @host -p port <args>` (+tries=1, +time=2 unless given) and parses its output. */
export async function dig(host: string, port: number, args: string[]): Promise<DigResult> {
  requireDig();
  const argv = [`@${host}`, "-p", String(port), "+tries=1", "+time=2", ...args];
  const raw = await new Promise<string>((resolve, reject) => {
    execFile("dig", argv, { timeout: 10_000 }, (err, stdout) => {
      // dig exits 9 when no server answered; the output still says so.
      if (err && !stdout) reject(new Error(`dig ${argv.join(" ")} failed: ${err.message}`));
      else resolve(stdout);
    });
  });
  return parseDig(raw);
}

/** Runs {@link dig} until it answers NOERROR with at least one answer record; returns that answer. */
export function digUntilAnswered(
  host: string,
  port: number,
  args: string[],
  options: WaitOptions = {},
): Promise<DigResult> {
  return waitFor(
    async () => {
      const r = await dig(host, port, args);
      return r.status === "NOERROR" && r.answer.length > 0 ? r : undefined;
    },
    { what: `${args.join(" ")} answered`, ...options },
  );
}
