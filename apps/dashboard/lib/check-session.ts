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
 * The session's operator, or null when the session ended. operators.checkSession also answers null when its
 * pipelined reads fail (a pipeline reports errors per command instead of throwing), so a Redis that stopped answering
 * would look like a sign-out: a null is believed only once Redis answers a PING; otherwise this throws.
 */
export async function checkOperator(s: ConsoleServices, session: Session): Promise<Operator | null> {
  const operator = await s.operators.checkSession(session);
  if (operator) return operator;
  const health = await s.health();
  if (!health.ok) throw new RedisUnavailableError(`redis unavailable: ${health.error ?? "no answer"}`);
  return null;
}
