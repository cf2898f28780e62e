import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimnetContext } from "../context.ts";
import { readBody } from "../http/body.ts";
import { jsonReply } from "../http/reply.ts";
import type { Target } from "../http/target.ts";
import { chance } from "../ids/rng.ts";
import type { RequestFacts } from "../limits/windows.ts";
import type { Network } from "../network.ts";
import type { Route } from "./adapter.ts";
import { Call } from "./call.ts";
import { auditServed, charge, withHeaders } from "./charge.ts";
import { badGatewayPage, malformed, pickServerStatus } from "./faults.ts";
import { serve } from "./serve.ts";
import { refreshTwitterToken } from "./twitter/oauth.ts";

const HOST = /^[A-Za-z0-9.:[\]-]{1,255}$/;

function originOf(req: IncomingMessage): string {
  const host = req.headers.host;
  return `http://${host !== undefined && HOST.test(host) ? host : `127.0.0.1:${req.socket.localPort ?? 80}`}`;
}

/** What the edge does before the API sees the request: an outage, or the unpublished limit. True when it ended it. */
function edge(call: Call): boolean {
  const { ctx, network, rt, adapter } = call;
  if (ctx.config.inOutage(network, call.now)) {
    const action = rt.nextOutageAction();
    if (action === "drop") call.drop();
    else call.send(action === "bad-gateway" ? badGatewayPage() : adapter.serverError(503, rt.rng.status));
    return true;
  }
  if (rt.hidden?.arrive(call.now) === true) {
    call.stats.rateLimited++;
    call.send(adapter.throttle("hidden"));
    return true;
  }
  return false;
}

/** The data routes: token, permission, limits, per-account failure, injected faults, then the page or profile. */
function data(call: Call, route: Extract<Route, { kind: "followers" | "profile" }>, target: Target): void {
  const { ctx, network, adapter, rt, cfg, req } = call;
  const token = adapter.token(req, target.query);
  if (token === undefined) return call.send(adapter.authError("missing"));
  const check = ctx.registry.checkToken(network, token, call.now);
  if (!check.ok) return call.send(adapter.authError(check.reason));
  const subject = route.subject ?? check.accountId;
  const isList = route.kind === "followers";
  call.caller = check.accountId;
  if (isList && adapter.ownListOnly && subject !== check.accountId) return call.send(adapter.permissionError(subject));

  const limited = isList || adapter.limitsCoverProfiles;
  const facts: RequestFacts = { token, ip: req.socket.remoteAddress ?? "unknown", paging: isList && adapter.isPaging(target.query) };
  const charged = charge(call, facts, limited);
  if ("status" in charged) return call.send(charged);

  if (isList && cfg.failAccounts?.includes(subject) === true) return call.send(adapter.serverError(500, rt.rng.status));
  if (chance(rt.rng.error, cfg.errorRate)) return call.send(adapter.serverError(pickServerStatus(rt.rng.status), rt.rng.status));
  if (chance(rt.rng.hang, cfg.hangRate)) return call.hang();

  const account = ctx.registry.get(network, subject);
  let reply = account
    ? serve({ adapter, runtime: rt, config: cfg, account, route, query: target.query, origin: originOf(req), token })
    : adapter.notFound(subject);
  if (reply.status === 200 && chance(rt.rng.malformed, cfg.malformedRate)) reply = malformed(reply, rt.rng.malformed);
  // A proxy's HTML page carries none of the API's headers.
  reply = withHeaders(reply, reply.headers["content-type"]?.startsWith("text/html") === true ? {} : charged.headers);
  if (reply.status === 200) auditServed(call, facts, limited, charged.tickets);
  call.send(reply);
}

function refresh(call: Call): void {
  readBody(call.req).then((body) => {
    if (!body.ok) {
      call.send(body.tooLarge
        ? jsonReply(413, { error: "request body too large" }, { connection: "close" })
        : jsonReply(400, { error: "invalid_request" }));
      return;
    }
    const ttl = call.ctx.config.net("twitter").tokenTtlMs;
    call.send(refreshTwitterToken(call.ctx.registry, body.text, call.req.headers["content-type"], ttl, call.ctx.now()));
  }).catch((err: unknown) => {
    console.error("simnet: token refresh failed", err);
    call.send(jsonReply(500, { error: "simnet internal error" }));
  });
}

/**
 * One request to a simulated network, in the order a real edge and API meet it. Every decision is taken at
 * arrival; only the write waits out the latency.
 */
export function handleNetwork(ctx: SimnetContext, network: Network, req: IncomingMessage, res: ServerResponse, target: Target): void {
  const call = new Call(ctx, network, req, res);
  try {
    const route = call.adapter.route(req.method ?? "GET", target.segments.slice(1), target.query);
    call.list = route.kind === "followers";
    if (edge(call)) return;
    if (route.kind === "reply") return call.send(route.reply);
    if (route.kind === "refresh") return refresh(call);
    data(call, route, target);
  } catch (err) {
    console.error(`simnet: ${network} ${req.method ?? ""} ${req.url ?? ""} failed`, err);
    call.send(jsonReply(500, { error: "simnet internal error" }));
  }
}
