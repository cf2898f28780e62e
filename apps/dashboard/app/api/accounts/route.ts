import { z } from "zod";
import { json } from "../../../lib/http.ts";
import { loadAccount } from "../../../lib/load/jobs.ts";
import { route } from "../../../lib/route.ts";
import { Account } from "../../../lib/schemas.ts";

const Query = z.object({ account: Account }).strict();

/**
 * An account: connected or not (never its token), whale or not, its latest syncs, its unfinished jobs (≤ 300 pages
 * of its 3 latest syncs examined) and its latest failed jobs (the failed index).
 */
export const GET = route("viewer", { query: Query }, async ({ query }) => json(await loadAccount(query.account)));
