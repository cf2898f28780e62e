import { v1Route } from "../../../../../lib/v1.ts";

/** DELETE /api/v1/accounts/:account?purge=1: disconnects (and with purge deletes its followers, change sets and sink rows). */
export const DELETE = v1Route(async ({ s, caller, params, query }) => s.delivery.api.apiDisconnect(s.engine, caller, params.account ?? "", query));
