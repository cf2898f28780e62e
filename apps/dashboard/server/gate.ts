import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Role } from "@fanout/jobs/operators";
import { roleAllows } from "@fanout/jobs/operators";
import { checkOperator, RedisUnavailableError } from "../lib/check-session.ts";
import type { ConsoleServices } from "../lib/services.ts";
import { CLIENT_IP_HEADER, SECURE_HEADER } from "../lib/trusted-headers.ts";
import { newNonce, securityHeaders } from "./headers.ts";
import { CSRF_HEADER } from "./session.ts";

/**
 * Runs in the custom server before Next sees a request, so no route can forget it: security headers on every
 * response, sign-in required for everything but the public paths, and for every mutation a same-origin Origin, the
 * session's CSRF token and a role that may act. Route handlers check the session and their own role again.
 *
 * `/api/v1/*` is the host-website API, authenticated by API keys in its own handlers: operator sessions do not apply.
 */
const PUBLIC = new Set(["/login", "/api/health", "/api/auth/login"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Mutations a viewer may make: ending its own session. */
const VIEWER_MUTATIONS = new Set(["/api/auth/logout"]);
const MIN_ROLE_TO_ACT: Role = "operator";

export type GateResult = "next" | "answered";

export async function gate(req: IncomingMessage, res: ServerResponse, s: ConsoleServices): Promise<GateResult> {
  const secure = Boolean((req.socket as Partial<TLSSocket>).encrypted) || req.headers["x-forwarded-proto"] === "https";
  // Headers that handlers trust are set here, never taken from the client.
  req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "unknown";
  req.headers[SECURE_HEADER] = secure ? "1" : "0";

  const nonce = newNonce();
  for (const [k, v] of Object.entries(securityHeaders(nonce, secure))) res.setHeader(k, v);
  req.headers["content-security-policy"] = securityHeaders(nonce, secure)["Content-Security-Policy"];

  const path = pathOf(req.url);
  if (path === null) return answer(res, 400, { error: "bad request path" });
  if (path.startsWith("/_next/static/") || path === "/favicon.ico") return "next";
  if (path === "/api/v1" || path.startsWith("/api/v1/")) return "next";

  const method = (req.method ?? "GET").toUpperCase();
  const mutation = !SAFE_METHODS.has(method);
  const api = path === "/api" || path.startsWith("/api/");
  if (mutation && !sameOrigin(req, secure)) return answer(res, 403, { error: "cross-origin request refused" });
  if (PUBLIC.has(path)) return "next";

  const now = Date.now();
  const session = await s.sessions.read(cookie(req, s.sessions.cookieName), now);
  if (!session) {
    if (api || mutation) return answer(res, 401, { error: "sign in first" });
    return redirect(res, `/login?next=${encodeURIComponent(req.url ?? "/")}`);
  }
  // Pages check the session against Redis in their layout (and show Redis trouble there); the API checks it here.
  if (!api) {
    if (mutation) return answer(res, 405, { error: "pages take no mutations: use the API" });
    return "next";
  }
  let operator;
  try {
    operator = await checkOperator(s, session);
  } catch (err) {
    return answer(res, 503, { error: err instanceof RedisUnavailableError ? err.message : `redis unavailable: ${err instanceof Error ? err.message : String(err)}` });
  }
  if (!operator) return answer(res, 401, { error: "session ended: sign in again" });
  if (!mutation) return "next";
  const token = req.headers[CSRF_HEADER];
  if (!s.sessions.csrfMatches(session, typeof token === "string" ? token : null)) return answer(res, 403, { error: "missing or wrong CSRF token" });
  if (!VIEWER_MUTATIONS.has(path) && !roleAllows(operator.role, MIN_ROLE_TO_ACT)) {
    return answer(res, 403, { error: `role ${operator.role} cannot act: ${MIN_ROLE_TO_ACT} or admin needed` });
  }
  return "next";
}

function pathOf(url: string | undefined): string | null {
  try {
    // Decoded and normalised as Next will route it, so `/api/%761/…` cannot slip past the checks above.
    const path = decodeURIComponent(new URL(url ?? "/", "http://console.invalid").pathname).replace(/\/{2,}/g, "/").replace(/(.)\/$/, "$1");
    // Dot segments or backslashes that survive decoding could route differently in Next than here: refuse them.
    return /(^|\/)\.{1,2}(\/|$)|\\/.test(path) ? null : path;
  } catch (err) {
    if (err instanceof URIError || err instanceof TypeError) return null;
    throw err;
  }
}

/** The Origin of a mutation must be this console (a browser always sends it on POST/PUT/PATCH/DELETE). */
function sameOrigin(req: IncomingMessage, secure: boolean): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host) return false;
  if (req.headers["sec-fetch-site"] && req.headers["sec-fetch-site"] !== "same-origin") return false;
  try {
    const o = new URL(origin);
    return o.host === host && o.protocol === (secure ? "https:" : "http:");
  } catch (err) {
    if (err instanceof TypeError) return false; // not a URL
    throw err;
  }
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

function answer(res: ServerResponse, status: number, body: { error: string }): GateResult {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify(body));
  return "answered";
}

function redirect(res: ServerResponse, location: string): GateResult {
  res.statusCode = 303;
  res.setHeader("Location", location);
  res.setHeader("Cache-Control", "no-store");
  res.end();
  return "answered";
}
