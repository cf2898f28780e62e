import { z } from "zod";
import { json } from "../../../lib/http.ts";
import { loadAccountTrees } from "../../../lib/load/trees.ts";
import { route } from "../../../lib/route.ts";
import { Account } from "../../../lib/schemas.ts";

const Query = z.object({ account: Account }).strict();

/** An account's latest syncs (≤ 20), newest first, with their states and counts. */
export const GET = route("viewer", { query: Query }, async ({ query }) => json(await loadAccountTrees(query.account)));
