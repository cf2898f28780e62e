import { v1Route } from "../../../../lib/v1.ts";

/** POST /api/v1/accounts {"network","id","token","refreshToken?"}: connects an account (its token stored encrypted). */
export const POST = v1Route(async ({ s, caller, body }) => s.delivery.api.apiConnect(s.engine, caller, await body()));
