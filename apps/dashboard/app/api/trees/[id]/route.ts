import { json } from "../../../../lib/http.ts";
import { route } from "../../../../lib/route.ts";
import { TreeIdParams } from "../../../../lib/schemas.ts";

/** The tree document (as `fanout tree --json`): state `unknown` for an id that does not exist or expired. */
export const GET = route("viewer", { params: TreeIdParams }, async ({ s, params }) => json(await s.ops.treeDoc(s.engine, params.id)));
