import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleAdmin } from "./admin/routes.ts";
import { Registry } from "./accounts/registry.ts";
import { ConfigStore } from "./config/store.ts";
import type { SimnetContext } from "./context.ts";
import { deliver } from "./http/deliver.ts";
import { jsonReply } from "./http/reply.ts";
import { BadTarget, parseTarget, type Target } from "./http/target.ts";
import type { NetworkAdapter } from "./networks/adapter.ts";
import { createFacebookAdapter } from "./networks/facebook/adapter.ts";
import { createLinkedinAdapter } from "./networks/linkedin/adapter.ts";
import { createMastodonAdapter } from "./networks/mastodon/adapter.ts";
import { handleNetwork } from "./networks/pipeline.ts";
import { NetworkRuntime } from "./networks/runtime.ts";
import { createTwitterAdapter } from "./networks/twitter/adapter.ts";
import { NETWORKS, isNetwork, type Network } from "./network.ts";
import { Stats } from "./stats.ts";

export interface SimnetOptions { seed?: number; port?: number; host?: string }
export interface Simnet { url: string; port: number; close(): Promise<void> }

function createContext(seed: number): SimnetContext {
  const now = (): number => Date.now();
  const config = new ConfigStore();
  const adapters = new Map<Network, NetworkAdapter>([
    ["twitter", createTwitterAdapter()],
    ["facebook", createFacebookAdapter()],
    ["linkedin", createLinkedinAdapter()],
    ["mastodon", createMastodonAdapter()],
  ]);
  const runtimes = new Map<Network, NetworkRuntime>();
  for (const n of NETWORKS) runtimes.set(n, new NetworkRuntime(seed, n, adapters.get(n)?.alignedWindows ?? false, config.net(n)));
  return {
    seed, config, adapters, runtimes, now,
    registry: new Registry(seed, now()),
    stats: new Stats(),
    timers: new Set(),
    hanging: new Set(),
  };
}

function route(ctx: SimnetContext, req: IncomingMessage, res: ServerResponse): void {
  let target: Target;
  try {
    target = parseTarget(req.url ?? "/");
  } catch (err) {
    if (!(err instanceof BadTarget)) throw err;
    deliver(ctx, null, res, jsonReply(400, { error: err.message, path: "" }));
    return;
  }
  const first = target.segments[0];
  if (first === "_simnet") {
    handleAdmin(ctx, req, target)
      .then((reply) => deliver(ctx, null, res, reply))
      .catch((err: unknown) => {
        console.error(`simnet: admin ${req.method ?? ""} ${req.url ?? ""} failed`, err);
        deliver(ctx, null, res, jsonReply(500, { error: "simnet internal error", path: "" }));
      });
    return;
  }
  if (first !== undefined && isNetwork(first)) {
    handleNetwork(ctx, first, req, res, target);
    return;
  }
  deliver(ctx, null, res, jsonReply(404, { error: "not found: networks live under /twitter, /facebook, /linkedin, /mastodon; admin under /_simnet", path: "" }));
}

/** Starts a simnet on `host:port` (port 0 = a free one). Used in-process by simnet's tests and the bench. */
export async function createSimnet(opts: SimnetOptions = {}): Promise<Simnet> {
  const seed = opts.seed ?? 1;
  const host = opts.host ?? "127.0.0.1";
  const ctx = createContext(seed);
  const server = createServer((req, res) => {
    try {
      route(ctx, req, res);
    } catch (err) {
      // Last line of defence: simnet must answer, never crash, whatever arrives.
      console.error(`simnet: ${req.method ?? ""} ${req.url ?? ""} failed`, err);
      if (!res.headersSent) deliver(ctx, null, res, jsonReply(500, { error: "simnet internal error", path: "" }));
    }
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (err.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of ctx.timers) clearTimeout(t);
        ctx.timers.clear();
        server.close(() => resolve());
        // Hanging responses and idle keep-alive sockets would otherwise hold close() open forever.
        for (const res of ctx.hanging) res.destroy();
        server.closeAllConnections();
      }),
  };
}
