import type { IncomingMessage } from "node:http";
import { jsonReply } from "../http/reply.ts";
import type { Route } from "./adapter.ts";

/** An unknown path under a network prefix. */
export function unknownRoute(): Route {
  return { kind: "reply", reply: jsonReply(404, { error: "Not Found" }) };
}

export function wrongMethod(allow: string): Route {
  return { kind: "reply", reply: jsonReply(405, { error: "Method Not Allowed" }, { allow }) };
}

/** `Authorization: Bearer …` (or Facebook's `OAuth …`); undefined when absent or empty. */
export function bearer(req: IncomingMessage, schemes: readonly string[] = ["bearer"]): string | undefined {
  const h = req.headers.authorization;
  if (h === undefined) return undefined;
  const space = h.indexOf(" ");
  if (space < 0 || !schemes.includes(h.slice(0, space).toLowerCase())) return undefined;
  const token = h.slice(space + 1).trim();
  return token === "" ? undefined : token;
}

/** A non-negative decimal integer, or undefined for anything else ("1e3", "-1", "", "12abc"). */
export function nonNegativeInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}
