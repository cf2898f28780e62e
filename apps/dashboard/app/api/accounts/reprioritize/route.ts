import { z } from "zod";
import { json } from "../../../../lib/http.ts";
import { route } from "../../../../lib/route.ts";
import { Account, Priority } from "../../../../lib/schemas.ts";

const Body = z.object({ account: Account, priority: Priority }).strict();

/** Changes the priority of an account's waiting jobs (ops.reprioritize, audited with how many changed). */
export const POST = route("operator", { body: Body }, async ({ s, body, operator }) =>
  json(await s.ops.reprioritize(s.engine, body.account, body.priority, { name: operator.name, via: "console" })));
