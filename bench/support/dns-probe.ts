/** Asking a DNS server one question over UDP, for readiness checks and propagation timing. */
import { createSocket, type Socket } from "node:dgram";
import * as dnsPacket from "dns-packet";

/** A UDP client socket that asks one question at a time. */
export class DnsProbe {
  readonly #sock: Socket;
  readonly #port: number;
  #id = 0;

  private constructor(sock: Socket, port: number) {
    this.#sock = sock;
    this.#port = port;
  }

  /** A probe for 127.0.0.1:port. */
  static async open(port: number): Promise<DnsProbe> {
    const sock = createSocket("udp4");
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
    return new DnsProbe(sock, port);
  }

  /** The rcode and answer addresses for name/type, or undefined after `timeoutMs`. */
  ask(
    name: string,
    type: "A" | "AAAA" = "A",
    timeoutMs = 500,
  ): Promise<{ rcode: string; answers: string[] } | undefined> {
    const id = (this.#id = (this.#id + 1) & 0xffff);
    const msg = dnsPacket.encode({ type: "query", id, questions: [{ name, type }] });
    return new Promise((resolve) => {
      const done = (v: { rcode: string; answers: string[] } | undefined): void => {
        clearTimeout(timer);
        this.#sock.off("message", onMessage);
        resolve(v);
      };
      const onMessage = (buf: Buffer): void => {
        if (buf.readUInt16BE(0) !== id) return;
        const res = dnsPacket.decode(buf);
        done({
          rcode: (res as { rcode?: string }).rcode ?? "",
          answers: (res.answers ?? []).map((a) => String((a as { data?: unknown }).data)),
        });
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.#sock.on("message", onMessage);
      this.#sock.send(msg, this.#port, "127.0.0.1");
    });
  }

  /** Resolves once name answers NOERROR with records (or any reply, with `anyReply`), polling; throws after `timeoutMs`. */
  async waitForAnswer(name: string, timeoutMs = 30_000, anyReply = false): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const r = await this.ask(name, "A", 200);
      if (r && (anyReply || (r.rcode === "NOERROR" && r.answers.length))) return;
      if (r) await new Promise((res) => setTimeout(res, 20));
    }
    throw new Error(`no answer for ${name} on port ${this.#port}`);
  }

  close(): void {
    this.#sock.close();
  }
}
