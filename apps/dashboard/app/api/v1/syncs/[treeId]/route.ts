import { v1Route } from "../../../../../lib/v1.ts";

/** GET /api/v1/syncs/:treeId: the tree document, state `unknown` for an id that does not exist or expired. */
export const GET = v1Route(async ({ s, caller, params }) => s.delivery.api.apiTree(s.engine, caller, params.treeId ?? ""));
