import type { Operator } from "@fanout/jobs/operators";
import type { Session } from "../server/session.ts";
import type { ConsoleServices } from "./services.ts";

export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RedisUnavailableError";
  }
}

/**
 * The session's operator, or null when the session ended (operator removed, role changed, signed out). A Redis that
 * does not answer is not a sign-out: operators.checkSession throws then, and so does this, as RedisUnavailableError.
 */
export async function checkOperator(s: ConsoleServices, session: Session): Promise<Operator | null> {
  try {
    return await s.operators.checkSession(session);
  } catch (err) {
    throw new RedisUnavailableError(`redis unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
}
