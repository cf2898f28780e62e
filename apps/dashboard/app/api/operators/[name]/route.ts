import { z } from "zod";
import { error, json } from "../../../../lib/http.ts";
import { ROLES } from "../../../../lib/roles.ts";
import { route } from "../../../../lib/route.ts";

const Params = z.object({ name: z.string().min(1).max(64) });
const Change = z.object({ role: z.enum(ROLES).optional(), password: z.string().min(8).max(1_024).optional() }).strict()
  .refine((c) => c.role !== undefined || c.password !== undefined, "give a role or a password");

export const PATCH = route("admin", { params: Params, body: Change }, async ({ s, params, body, operator }) => {
  let changed = body.role ? await s.operators.setRole(params.name, body.role) : null;
  if (body.password) changed = await s.operators.setPassword(params.name, body.password);
  if (!changed) return error(400, "nothing to change");
  await s.ops.audit(s.engine, { name: operator.name, via: "console" }, "operator-change",
    { operator: changed.name, ...(body.role ? { role: body.role } : {}), ...(body.password ? { password: "changed" } : {}) });
  return json({ name: changed.name, role: changed.role });
});

export const DELETE = route("admin", { params: Params }, async ({ s, params, operator }) => {
  if (params.name === operator.name) return error(400, "you cannot remove yourself: another admin can", "name");
  await s.operators.removeOperator(params.name);
  await s.ops.audit(s.engine, { name: operator.name, via: "console" }, "operator-remove", { operator: params.name });
  return json({ name: params.name, removed: true });
});
