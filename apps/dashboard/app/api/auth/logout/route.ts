import { NextResponse } from "next/server";
import { route } from "../../../../lib/route.ts";
import { SECURE_HEADER } from "../../../../lib/trusted-headers.ts";

/** Sign-out ends the session in Redis too, so a copied cookie stops working at once. */
export const POST = route("viewer", {}, async ({ req, s, session }) => {
  await s.operators.revokeSession(session.sid, session.expiresAt - Date.now());
  const res = NextResponse.json({ signedOut: true }, { headers: { "Cache-Control": "no-store" } });
  res.cookies.set(s.sessions.cookieName, "", s.sessions.cookieOptions(req.headers.get(SECURE_HEADER) === "1", 0));
  return res;
});
