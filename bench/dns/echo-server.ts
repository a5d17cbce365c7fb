/**
 * The runtime's ceiling: a Node UDP server that only flips the QR bit and sends each datagram
 * back. A DNS server written in Node cannot be faster than this. `--literal-lookup` gives its
 * socket the same synchronous address lookup kdns's UDP listener uses (src/dns/server/udp.ts).
 */
import { createSocket } from "node:dgram";

const port = Number(process.argv[2] ?? 0);
const sock = process.argv.includes("--literal-lookup")
  ? createSocket({ type: "udp4", lookup: (address, _options, callback) => callback(null, address, 4) })
  : createSocket("udp4");
sock.on("message", (msg, rinfo) => {
  msg[2] = (msg[2] ?? 0) | 0x80;
  sock.send(msg, rinfo.port, rinfo.address);
});
sock.bind(port, "127.0.0.1", () => process.stdout.write(`listening ${sock.address().port}\n`));
process.on("SIGTERM", () => sock.close(() => process.exit(0)));
