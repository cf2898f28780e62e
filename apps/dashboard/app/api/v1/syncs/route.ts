import { v1Route } from "../../../../lib/v1.ts";

/** POST /api/v1/syncs {"accounts":["NETWORK:ID",…],"priority?"}: starts a sync; answers its tree id. */
export const POST = v1Route(async ({ s, caller, body }) => s.delivery.api.apiStartSync(s.engine, caller, await body()));
