import { v1Route } from "../../../../../../lib/v1.ts";

/** GET /api/v1/accounts/:account/changes?since=VERSION: added and removed ids since a version (410 when too old). */
export const GET = v1Route(async ({ s, caller, params, query }) => s.delivery.api.apiChanges(s.engine, caller, params.account ?? "", query));
