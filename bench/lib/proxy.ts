import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

/**
 * A timestamping HTTP proxy in front of simnet: workers are pointed at it (SIMNET_URL), and it records when each
 * API call arrived, which network it was for and what simnet answered. Call times are therefore measured on the
 * API's side of the wire, not from the client's own bookkeeping. Admin calls go straight to simnet.
 */
export interface Hit {
  /** Arrival, epoch ms with sub-ms precision. */
  t: number;
  net: string;
  status: number;
  /** Whether the path is a follower list (not a profile lookup). */
  list: boolean;
  /** The caller's label, when the proxy was given a `label` for the Authorization header (never the token itself). */
  who?: string;
}

export interface Proxy { url: string; hits: Hit[]; clear(): void; stop(): Promise<void> }

export async function startProxy(targetUrl: string, opts: { label?(authorization: string | undefined): string | undefined } = {}): Promise<Proxy> {
  const target = new URL(targetUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 1_024 });
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const t = performance.timeOrigin + performance.now();
    const path = req.url ?? "/";
    const net = path.split("/")[1] ?? "";
    const hit: Hit = { t, net, status: 0, list: /followers|connections|friends/.test(path) };
    const who = opts.label?.(req.headers.authorization);
    if (who !== undefined) hit.who = who;
    hits.push(hit);
    const up = request({ host: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host }, agent }, (upRes) => {
      hit.status = upRes.statusCode ?? 0;
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    // simnet dropping a connection (an outage) must look the same to the client: drop ours too.
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    clear: () => { hits.length = 0; },
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      agent.destroy();
    }),
  };
}
