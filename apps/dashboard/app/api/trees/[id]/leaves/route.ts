import { z } from "zod";
import { json } from "../../../../../lib/http.ts";
import { loadLeaves } from "../../../../../lib/load/trees.ts";
import { route } from "../../../../../lib/route.ts";
import { NodeName, TreeIdParams } from "../../../../../lib/schemas.ts";

const Query = z.object({
  node: NodeName,
  cursor: z.string().max(24).regex(/^\d+$/, "a cursor from a previous page").default("0"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).strict();

/** One page of a node's pages (leaves) with the errors of failed ones: HSCAN + HMGET, whatever the node's size. */
export const GET = route("viewer", { params: TreeIdParams, query: Query }, async ({ params, query }) =>
  json(await loadLeaves(params.id, query.node, query.cursor, query.limit)));
