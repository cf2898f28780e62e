import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimnetContext } from "../context.ts";
import type { Network } from "../network.ts";
import type { Reply } from "./reply.ts";

function write(ctx: SimnetContext, network: Network | null, res: ServerResponse, reply: Reply): void {
  if (network) ctx.stats.end(network);
  // The client may have given up while the reply waited out its latency.
  if (res.destroyed || res.writableEnded) return;
  if (network) ctx.stats.status(network, reply.status);
  reply.headers["content-length"] = String(Buffer.byteLength(reply.body));
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
}

/** Writes the reply now or after `delayMs`; the in-flight count covers the wait. */
export function deliver(ctx: SimnetContext, network: Network | null, res: ServerResponse, reply: Reply, delayMs = 0): void {
  if (delayMs <= 0) {
    write(ctx, network, res, reply);
    return;
  }
  const timer = setTimeout(() => {
    ctx.timers.delete(timer);
    write(ctx, network, res, reply);
  }, delayMs);
  ctx.timers.add(timer);
}

/** Accepts the request and never answers; the socket stays open until the client (or close()) ends it. */
export function hang(ctx: SimnetContext, network: Network, res: ServerResponse): void {
  ctx.stats.of(network).hung++;
  ctx.hanging.add(res);
  res.once("close", () => {
    ctx.hanging.delete(res);
    ctx.stats.end(network);
  });
}

/** Resets the connection without a byte of response, as a crashed backend or a dropped route does. */
export function drop(ctx: SimnetContext, network: Network, req: IncomingMessage): void {
  ctx.stats.of(network).dropped++;
  ctx.stats.end(network);
  req.socket.destroy();
}
