import { z } from "zod";
import { json } from "../../../../../lib/http.ts";
import { route } from "../../../../../lib/route.ts";
import { TreeIdParams } from "../../../../../lib/schemas.ts";

const Query = z.object({
  cursor: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).strict();

/** One page of a tree's account nodes: a 100,000-node tree costs the same per page as a small one. */
export const GET = route("viewer", { params: TreeIdParams, query: Query }, async ({ s, params, query }) =>
  json(await s.engine.tree.children(params.id, query.cursor, query.limit)));
