import { z } from "zod";
import { json } from "../../../lib/http.ts";
import { ROLES } from "../../../lib/roles.ts";
import { route } from "../../../lib/route.ts";
import { loadOperators } from "../../../lib/server-data.ts";

const NewOperator = z.object({
  name: z.string().min(1).max(64),
  password: z.string().min(8).max(1_024),
  role: z.enum(ROLES),
}).strict();

export const GET = route("admin", {}, async () => json(await loadOperators()));

export const POST = route("admin", { body: NewOperator }, async ({ s, body, operator }) => {
  const created = await s.operators.addOperator(body.name, body.password, body.role);
  await s.ops.audit(s.engine, { name: operator.name, via: "console" }, "operator-add", { operator: created.name, role: created.role });
  return json({ name: created.name, role: created.role, createdAt: created.createdAt }, 201);
});
