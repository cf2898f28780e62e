import { z } from "zod";
import { json } from "../../../lib/http.ts";
import { route } from "../../../lib/route.ts";
import { Account } from "../../../lib/schemas.ts";
const Move = z.object({ account: Account, whale: z.boolean() }).strict();

export const GET = route("viewer", {}, async ({ s }) => json({ threshold: s.engine.whales.threshold, whales: await s.engine.whales.list() }));

/** Moves an account and its waiting jobs to the whale queue, or back (ops.setWhale, audited). */
export const POST = route("operator", { body: Move }, async ({ s, body, operator }) =>
  json(await s.ops.setWhale(s.engine, body.account, body.whale, { name: operator.name, via: "console" })));
