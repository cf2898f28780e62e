import { json } from "../../../../../lib/http.ts";
import { route } from "../../../../../lib/route.ts";
import { TreeIdParams } from "../../../../../lib/schemas.ts";

/** Re-runs the failed pages of a tree (ops.requeueTree, audited). */
export const POST = route("operator", { params: TreeIdParams }, async ({ s, params, operator }) =>
  json(await s.ops.requeueTree(s.engine, params.id, { name: operator.name, via: "console" })));
