import type { IncomingMessage } from "node:http";
import { followerId, type Account } from "../../accounts/account.ts";
import { rawJson, type Reply } from "../../http/reply.ts";
import { chance, type Rng } from "../../ids/rng.ts";
import type { RateView } from "../../limits/windows.ts";
import { decodeCursor, encodeCursor } from "../../paging/cursor.ts";
import type { Start } from "../../paging/page.ts";
import type { NetworkAdapter, PageRequest, RenderInput, Route } from "../adapter.ts";
import { bearer, nonNegativeInt, unknownRoute, wrongMethod } from "../common.ts";
import {
  invalidParameter, overCapacityPage, problem, serverProblem, tooManyRequests, unauthorized, usageCapped, userNotFound,
} from "./problems.ts";

const DEFAULT_MAX = 100;

function route(method: string, s: readonly string[]): Route {
  // /2/users/:id/followers, /2/users/:id, /2/users/me, /2/oauth2/token
  if (s[0] !== "2") return unknownRoute();
  if (s[1] === "oauth2" && s[2] === "token" && s.length === 3) {
    return method === "POST" ? { kind: "refresh" } : wrongMethod("POST");
  }
  if (s[1] !== "users" || s[2] === undefined || s.length > 4) return unknownRoute();
  const subject = s[2] === "me" ? null : s[2];
  if (s.length === 4 && s[3] !== "followers") return unknownRoute();
  if (method !== "GET") return wrongMethod("GET");
  return s.length === 4 ? { kind: "followers", subject, base: "" } : { kind: "profile", subject, base: "" };
}

function startOf(account: Account, token: string | undefined): Start | undefined {
  if (token === undefined) return { kind: "first" };
  const c = decodeCursor(account, token);
  if (!c) return undefined;
  if (c.kind === "next") return { kind: "below", ordinal: c.n };
  if (c.kind === "prev") return { kind: "above", ordinal: c.n, closest: true };
  return { kind: "endless", n: c.n };
}

function pageRequest(account: Account, query: Map<string, string>): PageRequest | Reply {
  const raw = query.get("max_results");
  let limit = DEFAULT_MAX;
  if (raw !== undefined) {
    const n = nonNegativeInt(raw);
    if (n === undefined || n < 1 || n > 1000) {
      return invalidParameter("max_results", raw, `The \`max_results\` query parameter value [${raw}] is not between 1 and 1000`);
    }
    limit = n;
  }
  const token = query.get("pagination_token");
  const start = startOf(account, token);
  if (!start) {
    const v = token ?? "";
    return invalidParameter("pagination_token", v, `The \`pagination_token\` query parameter value [${v}] is not valid`);
  }
  return { start, limit };
}

function renderPage({ account, page, request }: RenderInput): Reply {
  const n = page.ordinals.length;
  let body = n === 0 ? '{"meta":{"result_count":0' : '{"data":[';
  for (let i = 0; i < n; i++) {
    const id = followerId(account, page.ordinals[i] ?? 0);
    const tail = id.slice(-6);
    body += `${i === 0 ? "" : ","}{"id":"${id}","name":"Follower ${tail}","username":"f${id.slice(-9)}"}`;
  }
  if (n > 0) body += `],"meta":{"result_count":${n}`;
  const next = page.next;
  if (next?.kind === "below") body += `,"next_token":"${encodeCursor(account, "next", next.ordinal)}"`;
  else if (next?.kind === "endless") body += `,"next_token":"${encodeCursor(account, "endless", next.n)}"`;
  const first = page.ordinals[0];
  if (request.start.kind !== "first" && first !== undefined) {
    body += `,"previous_token":"${encodeCursor(account, "prev", first)}"`;
  }
  return rawJson(200, body + "}}");
}

function renderProfile(account: Account, query: Map<string, string>): Reply {
  const fields = (query.get("user.fields") ?? "").split(",");
  const data: Record<string, unknown> = { id: account.id, name: `Account ${account.id}`, username: account.id };
  if (fields.includes("public_metrics")) {
    data.public_metrics = { followers_count: account.followers.count, following_count: 312, tweet_count: 4_096, listed_count: 7 };
  }
  return rawJson(200, JSON.stringify({ data }));
}

function rateHeaders(view: RateView): Record<string, string> {
  return {
    "x-rate-limit-limit": String(view.max),
    "x-rate-limit-remaining": String(view.remaining),
    // Whole seconds, rounded up: a client that waits until then is never early.
    "x-rate-limit-reset": String(Math.ceil(view.resetAt / 1000)),
    "x-simnet-reset-ms": String(Math.ceil(view.resetAt)),
  };
}

function serverError(status: 500 | 502 | 503 | 504, rng: Rng): Reply {
  if (status === 503 && chance(rng, 0.5)) return overCapacityPage();
  return serverProblem(status);
}

export function createTwitterAdapter(): NetworkAdapter {
  return {
    network: "twitter",
    ownListOnly: false,
    alignedWindows: false,
    limitsCoverProfiles: false,
    route,
    token: (req: IncomingMessage) => bearer(req),
    isPaging: (query) => query.has("pagination_token"),
    pageRequest,
    renderPage,
    renderProfile,
    authError: () => unauthorized(),
    permissionError: () => problem(403, { title: "Forbidden", type: "about:blank", status: 403, detail: "Forbidden" }),
    notFound: userNotFound,
    throttle: (kind) => (kind === "usageCap" ? usageCapped() : tooManyRequests()),
    rateHeaders,
    serverError,
  };
}
