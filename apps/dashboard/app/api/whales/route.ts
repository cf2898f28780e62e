import { z } from "zod";
import { json } from "../../../lib/http.ts";
import { loadWhales } from "../../../lib/load/whales.ts";
import { route } from "../../../lib/route.ts";
import { Account } from "../../../lib/schemas.ts";

const Move = z.object({ account: Account, whale: z.boolean() }).strict();

/** Whales with size, progress, ETA at the rate the limiter allows now, why flagged; the threshold in force. */
export const GET = route("viewer", {}, async () => json(await loadWhales()));

/** Moves an account and its waiting jobs to the whale queue, or back (ops.setWhale, audited). */
export const POST = route("operator", { body: Move }, async ({ s, body, operator }) =>
  json(await s.ops.setWhale(s.engine, body.account, body.whale, { name: operator.name, via: "console" })));
