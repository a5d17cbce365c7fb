/**
 * The Node peer of the gateway benchmark: a plain reverse proxy built on `http-proxy` (keep-alive
 * agent to the backend, X-Forwarded-* headers on), as someone would write one.
 * Usage: node bench/gateway/node-peer.ts <listen-port> <backend-url>
 */

import { Agent, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";

interface ProxyServer {
  web(req: IncomingMessage, res: ServerResponse, options?: object, callback?: (err: Error) => void): void;
}
interface HttpProxy {
  createProxyServer(options: { target: string; agent: Agent; xfwd: boolean }): ProxyServer;
}

// http-proxy is CommonJS without bundled types; only the two calls above are used.
const httpProxy = createRequire(import.meta.url)("http-proxy") as HttpProxy;
const [port, target] = process.argv.slice(2);
if (!port || !target) throw new Error("usage: node-peer.ts <listen-port> <backend-url>");
const proxy = httpProxy.createProxyServer({
  target,
  agent: new Agent({ keepAlive: true, maxSockets: 256 }),
  xfwd: true,
});
createServer((req, res) => {
  proxy.web(req, res, {}, () => {
    res.writeHead(502);
    res.end("bad gateway\n");
  });
}).listen(Number(port), "127.0.0.1", () => console.log(`node peer on 127.0.0.1:${port} -> ${target}`));
