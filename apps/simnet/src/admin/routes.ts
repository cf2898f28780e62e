import type { IncomingMessage } from "node:http";
import { viewOf } from "../accounts/registry.ts";
import type { SimnetContext } from "../context.ts";
import { jsonReply, type Reply } from "../http/reply.ts";
import type { Target } from "../http/target.ts";
import { NETWORKS, isNetwork } from "../network.ts";
import { changeFollowers, createAccount, listAccounts, reissue, revoke, truth } from "./accounts.ts";
import { badRequest, readJson } from "./io.ts";

function notFound(path: string): Reply {
  return jsonReply(404, { error: `no admin route ${path}`, path: "" });
}

function methodNotAllowed(allow: string): Reply {
  return jsonReply(405, { error: "method not allowed", path: "" }, { allow });
}

/** Restores the seed config, counters, windows and faults, and undoes revocations. Accounts stay. */
function reset(ctx: SimnetContext): Reply {
  ctx.config.reset();
  for (const n of NETWORKS) ctx.runtimes.get(n)?.reset(ctx.config.net(n));
  ctx.stats.reset();
  ctx.registry.restoreTokens();
  return jsonReply(200, { reset: true });
}

function patchConfig(ctx: SimnetContext, body: unknown): Reply {
  const result = ctx.config.patch(body, ctx.now());
  if (!result.ok) return jsonReply(400, { error: result.error, path: result.path });
  for (const n of NETWORKS) ctx.runtimes.get(n)?.onConfig(result.change, ctx.config.net(n));
  return jsonReply(200, ctx.config.current);
}

/** `/_simnet/accounts/:network/:id[/action]` */
async function accountRoute(ctx: SimnetContext, req: IncomingMessage, s: readonly string[]): Promise<Reply> {
  const [, network, id, action] = s;
  if (network === undefined || id === undefined || s.length > 4) return notFound(`/${s.join("/")}`);
  if (!isNetwork(network)) return badRequest(`unknown network "${network}"`, "network");
  const account = ctx.registry.get(network, id);
  if (!account) return jsonReply(404, { error: `unknown account ${network}:${id}`, path: "id" });
  const method = req.method ?? "GET";
  if (action === undefined) return method === "GET" ? jsonReply(200, viewOf(account)) : methodNotAllowed("GET");
  if (action !== "revoke" && action !== "token" && action !== "followers") return notFound(`/${s.join("/")}`);
  if (method !== "POST") return methodNotAllowed("POST");
  const body = await readJson(req);
  if (!body.ok) return body.reply;
  if (action === "revoke") return revoke(ctx, account);
  if (action === "token") return reissue(ctx, account);
  return changeFollowers(ctx, account, body.value);
}

/** The admin API under `/_simnet`: JSON in and out, `400 {"error","path"}` for bad input. */
export async function handleAdmin(ctx: SimnetContext, req: IncomingMessage, target: Target): Promise<Reply> {
  const s = target.segments.slice(1);
  const method = req.method ?? "GET";
  const path = `/_simnet/${s.join("/")}`;
  switch (s[0]) {
    case "accounts": {
      if (s.length > 1) return accountRoute(ctx, req, s);
      if (method === "GET") {
        const network = target.query.get("network");
        if (network !== undefined && !isNetwork(network)) return badRequest(`unknown network "${network}"`, "network");
        return listAccounts(ctx, network);
      }
      if (method !== "POST") return methodNotAllowed("GET, POST");
      const body = await readJson(req);
      return body.ok ? createAccount(ctx, body.value) : body.reply;
    }
    case "truth": {
      const [, network, id] = s;
      if (network === undefined || id === undefined || s.length !== 3) return notFound(path);
      if (method !== "GET") return methodNotAllowed("GET");
      if (!isNetwork(network)) return badRequest(`unknown network "${network}"`, "network");
      const account = ctx.registry.get(network, id);
      return account ? truth(account) : jsonReply(404, { error: `unknown account ${network}:${id}`, path: "id" });
    }
    case "config": {
      if (s.length !== 1) return notFound(path);
      if (method === "GET") return jsonReply(200, ctx.config.current);
      if (method !== "PATCH") return methodNotAllowed("GET, PATCH");
      const body = await readJson(req);
      return body.ok ? patchConfig(ctx, body.value) : body.reply;
    }
    case "stats": {
      if (s.length === 1) return method === "GET" ? jsonReply(200, ctx.stats.snapshot()) : methodNotAllowed("GET");
      if (s.length !== 2 || s[1] !== "reset") return notFound(path);
      if (method !== "POST") return methodNotAllowed("POST");
      ctx.stats.reset();
      return jsonReply(200, { reset: true });
    }
    case "arrivals": {
      if (s.length !== 1) return notFound(path);
      if (method !== "GET") return methodNotAllowed("GET");
      const network = target.query.get("network");
      if (network === undefined) return badRequest("network is required", "network");
      if (!isNetwork(network)) return badRequest(`unknown network "${network}"`, "network");
      const { arrivals, dropped } = ctx.stats.arrivals(network);
      return jsonReply(200, { network, recording: ctx.config.net(network).recordArrivals, dropped, arrivals });
    }
    case "reset":
      if (s.length !== 1) return notFound(path);
      return method === "POST" ? reset(ctx) : methodNotAllowed("POST");
    case undefined:
      return jsonReply(200, { simnet: true, networks: NETWORKS });
    default:
      return notFound(path);
  }
}
