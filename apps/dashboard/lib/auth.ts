import { cookies } from "next/headers";
import type { Operator } from "@fanout/jobs/operators";
import type { Session } from "../server/session.ts";
import { checkOperator } from "./check-session.ts";
import { services } from "./services.ts";

export type AuthState =
  | { state: "ok"; operator: Operator; session: Session; csrf: string }
  | { state: "signed-out" }
  | { state: "unavailable"; error: string };

/** The signed-in operator of this request, checked against Redis (removed, new password, signed out). */
export async function currentOperator(): Promise<AuthState> {
  const jar = await cookies(); // first: marks the page dynamic before anything asks for the services
  const s = services();
  const session = await s.sessions.read(jar.get(s.sessions.cookieName)?.value, Date.now());
  if (!session) return { state: "signed-out" };
  try {
    const operator = await checkOperator(s, session);
    return operator ? { state: "ok", operator, session, csrf: s.sessions.csrfToken(session) } : { state: "signed-out" };
  } catch (err) {
    return { state: "unavailable", error: err instanceof Error ? err.message : String(err) };
  }
}
