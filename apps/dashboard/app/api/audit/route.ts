import { z } from "zod";
import { json } from "../../../lib/http.ts";
import { route } from "../../../lib/route.ts";
import { loadAuditPage } from "../../../lib/server-data.ts";

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().regex(/^\d{1,20}-\d{1,20}$/, "a stream id (from a previous page)").optional(),
  action: z.string().min(1).max(64).optional(),
  who: z.string().min(1).max(64).optional(),
}).strict();

/** The audit log, newest first, a bounded page at a time (ops.auditLog scans at most 20 rounds). */
export const GET = route("viewer", { query: Query }, async ({ query }) => json(await loadAuditPage(query)));
