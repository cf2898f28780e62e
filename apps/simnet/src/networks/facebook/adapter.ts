import type { IncomingMessage } from "node:http";
import { followerId, type Account } from "../../accounts/account.ts";
import { rawJson, type Reply } from "../../http/reply.ts";
import type { RateView } from "../../limits/windows.ts";
import { decodeCursor, encodeCursor } from "../../paging/cursor.ts";
import type { Start } from "../../paging/page.ts";
import type { NetworkAdapter, PageRequest, RenderInput, Route } from "../adapter.ts";
import { bearer, nonNegativeInt, unknownRoute, wrongMethod } from "../common.ts";
import { GraphErrors } from "./errors.ts";

const VERSION = /^v\d+\.\d+$/;
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

function route(method: string, segments: readonly string[]): Route {
  // Any Graph version (/v19.0/…) or none.
  const versioned = segments[0] !== undefined && VERSION.test(segments[0]);
  const s = versioned ? segments.slice(1) : segments;
  const prefix = versioned ? `/facebook/${segments[0] ?? ""}` : "/facebook";
  const id = s[0];
  if (id === undefined || s.length > 2 || (s.length === 2 && s[1] !== "friends")) return unknownRoute();
  if (method !== "GET") return wrongMethod("GET");
  const subject = id === "me" ? null : id;
  return { kind: s.length === 2 ? "followers" : "profile", subject, base: `${prefix}/${encodeURIComponent(id)}` };
}

/** Facebook cursors are base64: the opaque cursor wrapped once more. */
function wrap(account: Account, kind: "next" | "prev" | "endless", n: number): string {
  return Buffer.from(`sim:${encodeCursor(account, kind, n)}`).toString("base64url");
}

function unwrap(account: Account, cursor: string): ReturnType<typeof decodeCursor> {
  const inner = Buffer.from(cursor, "base64url").toString("latin1");
  return inner.startsWith("sim:") ? decodeCursor(account, inner.slice(4)) : undefined;
}

function startOf(account: Account, query: Map<string, string>): Start | undefined {
  const after = query.get("after");
  const before = query.get("before");
  if (after !== undefined) {
    const c = unwrap(account, after);
    if (!c) return undefined;
    return c.kind === "endless" ? { kind: "endless", n: c.n } : { kind: "below", ordinal: c.n };
  }
  if (before !== undefined) {
    const c = unwrap(account, before);
    return c && c.kind !== "endless" ? { kind: "above", ordinal: c.n, closest: true } : undefined;
  }
  return { kind: "first" };
}

function nextCursor(account: Account, next: Start): string | undefined {
  if (next.kind === "below") return wrap(account, "next", next.ordinal);
  if (next.kind === "endless") return wrap(account, "endless", next.n);
  return undefined;
}

/** Graph paging URLs repeat the request's parameters (access_token included) with the new cursor. */
function link(input: RenderInput, name: "after" | "before", cursor: string): string {
  let qs = "";
  for (const [k, v] of input.query) {
    if (k === "after" || k === "before" || k === "limit") continue;
    qs += `${encodeURIComponent(k)}=${encodeURIComponent(v)}&`;
  }
  return `${input.origin}${input.route.base}/friends?${qs}limit=${input.request.limit}&${name}=${cursor}`;
}

function wantsSummary(query: Map<string, string>): boolean {
  const s = query.get("summary");
  return s !== undefined && (s === "true" || s === "1" || s.split(",").includes("total_count"));
}

function renderPage(input: RenderInput): Reply {
  const { account, page, request, query } = input;
  const n = page.ordinals.length;
  let body = '{"data":[';
  for (let i = 0; i < n; i++) {
    const id = followerId(account, page.ordinals[i] ?? 0);
    body += `${i === 0 ? "" : ","}{"name":"Friend ${id.slice(-5)}","id":"${id}"}`;
  }
  body += "]";
  const first = page.ordinals[0];
  const last = page.ordinals[n - 1];
  const after = page.next ? nextCursor(account, page.next) : last === undefined ? undefined : wrap(account, "next", last);
  if (n > 0 || after !== undefined) {
    const before = first === undefined ? undefined : wrap(account, "prev", first);
    const cursors = before === undefined ? `{"after":"${after ?? ""}"}` : `{"before":"${before}","after":"${after ?? ""}"}`;
    body += `,"paging":{"cursors":${cursors}`;
    if (request.start.kind !== "first" && before !== undefined) body += `,"previous":${JSON.stringify(link(input, "before", before))}`;
    if (page.next && after !== undefined) body += `,"next":${JSON.stringify(link(input, "after", after))}`;
    body += "}";
  }
  if (wantsSummary(query)) body += `,"summary":{"total_count":${input.total ?? account.followers.count}}`;
  return rawJson(200, body + "}");
}

function rateHeaders(view: RateView): Record<string, string> {
  const used = view.max - view.remaining;
  const pct = view.remaining === 0 ? 100 : Math.floor((100 * used) / view.max);
  // Facebook leaves the header out while usage is about zero.
  if (pct < 1) return {};
  const usage = { call_count: pct, total_cputime: Math.floor(pct / 4), total_time: Math.floor(pct / 3) };
  return { "x-app-usage": JSON.stringify(usage), "x-simnet-reset-ms": String(Math.ceil(view.resetAt)) };
}

export function createFacebookAdapter(): NetworkAdapter {
  const errors = new GraphErrors();
  return {
    network: "facebook",
    ownListOnly: true,
    alignedWindows: false,
    limitsCoverProfiles: false,
    route,
    token: (req: IncomingMessage, query) => query.get("access_token") || bearer(req, ["bearer", "oauth"]),
    isPaging: (query) => query.has("after") || query.has("before"),
    pageRequest(account, query): PageRequest | Reply {
      const raw = query.get("limit");
      const n = raw === undefined ? DEFAULT_LIMIT : nonNegativeInt(raw);
      if (n === undefined) return errors.reply(400, { message: "(#100) The parameter limit must be a positive integer", code: 100 });
      const start = startOf(account, query);
      if (!start) return errors.reply(400, { message: "(#100) Invalid cursor", code: 100, error_subcode: 1_349_014 });
      return { start, limit: Math.min(Math.max(n, 1), MAX_LIMIT) };
    },
    renderPage,
    renderProfile: (account) => rawJson(200, JSON.stringify({ name: `Account ${account.id}`, id: account.id })),
    authError: (problem) => errors.auth(problem),
    permissionError: () => errors.reply(403, { message: "(#200) Missing permissions: a token may only read its own user's friends", code: 200 }),
    notFound: (subject) => errors.reply(404, { message: `(#803) Some of the aliases you requested do not exist: ${subject}`, code: 803 }),
    throttle: (kind) =>
      kind === "usageCap"
        ? errors.reply(400, { message: "(#4) Application request limit reached", code: 4, is_transient: true })
        : errors.reply(400, { message: "(#17) User request limit reached", code: 17, error_subcode: 2_446_079, is_transient: true }),
    rateHeaders,
    serverError: (status) =>
      status === 500
        ? errors.reply(500, { message: "An unknown error has occurred.", code: 1, is_transient: true })
        : errors.reply(status, { message: "An unexpected error has occurred. Please retry your request later.", code: 2, is_transient: true }),
  };
}
