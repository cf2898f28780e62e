import { z } from "zod";
import { json, error } from "../../../../lib/http.ts";
import { roleAllows } from "../../../../lib/roles.ts";
import { route } from "../../../../lib/route.ts";
import { Account } from "../../../../lib/schemas.ts";

const Body = z.object({ account: Account, purge: z.boolean().default(false) }).strict();

/**
 * Disconnects an account (its token and waiting jobs go); with `purge` (admins only) also every follower version,
 * change set and sink row. Recorded in the audit log.
 */
export const POST = route("operator", { body: Body }, async ({ s, body, operator }) => {
  if (body.purge && !roleAllows(operator.role, "admin")) return error(403, "only admins purge an account's data");
  const r = await s.ops.disconnectAccount(s.engine, body.account, body.purge, { name: operator.name, via: "console" });
  return json({ account: r.account, connected: false, purged: r.purged, removed: r.removed });
});
