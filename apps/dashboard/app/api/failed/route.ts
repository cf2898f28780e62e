import { json } from "../../../lib/http.ts";
import { loadFailed } from "../../../lib/load/jobs.ts";
import { route } from "../../../lib/route.ts";
import { FailedQuery } from "../../../lib/schemas.ts";

/** Failed jobs by network, error kind, account and time, newest first; ≤ 5,000 index entries read per request. */
export const GET = route("viewer", { query: FailedQuery }, async ({ query }) => json(await loadFailed(query.filter, query.cursor, query.limit)));
