import { z } from "zod";
import { json } from "../../../../../lib/http.ts";
import { loadNodeFailures } from "../../../../../lib/load/trees.ts";
import { route } from "../../../../../lib/route.ts";
import { NodeName, TreeIdParams } from "../../../../../lib/schemas.ts";

const Query = z.object({ node: NodeName }).strict();

/** A node's failed pages and their errors (≤ 20), bounded by the tree's failures, not its size. */
export const GET = route("viewer", { params: TreeIdParams, query: Query }, async ({ params, query }) =>
  json(await loadNodeFailures(params.id, query.node)));
