import { v1Route } from "../../../../../../lib/v1.ts";

/** GET /api/v1/accounts/:account/followers?cursor=&limit=: one page of the current set; a cursor stays on its version. */
export const GET = v1Route(async ({ s, caller, params, query }) => s.delivery.api.apiFollowers(s.engine, caller, params.account ?? "", query));
