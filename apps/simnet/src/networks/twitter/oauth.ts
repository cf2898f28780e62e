import type { Registry } from "../../accounts/registry.ts";
import { parseForm } from "../../http/target.ts";
import { jsonReply, type Reply } from "../../http/reply.ts";

function invalid(description: string): Reply {
  return jsonReply(400, { error: "invalid_request", error_description: description });
}

function fields(body: string, contentType: string | undefined): Map<string, string> {
  if (contentType?.includes("application/json")) {
    const out = new Map<string, string>();
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null) {
      for (const [k, v] of Object.entries(parsed)) if (typeof v === "string") out.set(k, v);
    }
    return out;
  }
  return parseForm(body);
}

/**
 * `POST /2/oauth2/token` with `grant_type=refresh_token`: rotates the pair. The old refresh token dies with its first
 * use, so a second use (two workers racing to refresh) gets 400 invalid_request, as Twitter answers.
 */
export function refreshTwitterToken(registry: Registry, body: string, contentType: string | undefined, ttlMs: number | null, now: number): Reply {
  let form: Map<string, string>;
  try {
    form = fields(body, contentType);
  } catch (err) {
    if (err instanceof SyntaxError) return invalid("Malformed request body.");
    throw err;
  }
  const grant = form.get("grant_type");
  if (grant === undefined || grant === "") return invalid("Missing required parameter [grant_type].");
  if (grant !== "refresh_token") return invalid("Value passed for the grant type was invalid.");
  const refreshToken = form.get("refresh_token");
  if (refreshToken === undefined || refreshToken === "") return invalid("Missing required parameter [refresh_token].");
  const done = registry.refresh("twitter", refreshToken, ttlMs, now);
  if (!done) return invalid("Value passed for the token was invalid.");
  return jsonReply(200, {
    token_type: "bearer",
    // Twitter's access tokens last two hours; simnet's never expire unless tokenTtlMs says so.
    expires_in: done.expiresAt === null ? 7200 : Math.max(1, Math.ceil((done.expiresAt - now) / 1000)),
    access_token: done.token,
    scope: "tweet.read users.read follows.read offline.access",
    refresh_token: done.refreshToken,
  });
}
