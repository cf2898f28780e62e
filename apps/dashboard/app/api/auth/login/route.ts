import { NextResponse } from "next/server";
import { z } from "zod";
import { error } from "../../../../lib/http.ts";
import { publicRoute } from "../../../../lib/route.ts";
import { CLIENT_IP_HEADER, SECURE_HEADER } from "../../../../lib/trusted-headers.ts";

const Body = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1_024) }).strict();

/**
 * Sign-in: attempts are charged per client address and name before the password is checked (5 a minute, then 429);
 * the gate already refused a cross-origin POST, and JSON-only bodies keep plain HTML forms of other sites out.
 */
export const POST = publicRoute({ body: Body }, async ({ req, s, body }) => {
  const address = req.headers.get(CLIENT_IP_HEADER) ?? "unknown";
  const attempt = await s.operators.takeLoginAttempt(address, body.name);
  if (!attempt.allowed) {
    const wait = Math.max(1, Math.ceil(attempt.retryAfterMs / 1_000));
    return error(429, `too many sign-in attempts: try again in ${wait} s`, undefined, { "Retry-After": String(wait) });
  }
  const operator = await s.operators.verifyPassword(body.name, body.password);
  if (!operator) return error(401, "wrong name or password");
  await s.operators.clearLoginAttempts(address, body.name);
  const { value } = await s.sessions.issue(operator, Date.now());
  await s.ops.audit(s.engine, { name: operator.name, via: "console" }, "sign-in", {});
  const res = NextResponse.json({ name: operator.name, role: operator.role }, { headers: { "Cache-Control": "no-store" } });
  res.cookies.set(s.sessions.cookieName, value, s.sessions.cookieOptions(req.headers.get(SECURE_HEADER) === "1"));
  return res;
});
