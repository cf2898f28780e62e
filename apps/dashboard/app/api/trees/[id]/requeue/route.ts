import { z } from "zod";
import { json } from "../../../../../lib/http.ts";
import { route } from "../../../../../lib/route.ts";
import { NodeName, TreeIdParams } from "../../../../../lib/schemas.ts";

/** An empty body (or none) requeues the whole tree; `node` only that subtree. */
const Body = z.object({ node: NodeName.optional() }).strict();

/** Re-runs the failed pages of a tree (ops.requeueTree) or of one node (queries.requeueNode); audited. */
export const POST = route("operator", { params: TreeIdParams, body: Body }, async ({ s, params, body, operator }) => {
  const actor = { name: operator.name, via: "console" as const };
  return json(body.node ? await s.queries.requeueNode(s.engine, params.id, body.node, actor) : await s.ops.requeueTree(s.engine, params.id, actor));
});
