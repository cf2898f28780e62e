import { z } from "zod";
import { json } from "../../../lib/http.ts";
import { loadOverview } from "../../../lib/load/overview.ts";
import { route } from "../../../lib/route.ts";
import { Range } from "../../../lib/schemas.ts";

const Query = z.object({ range: Range }).strict();

/** The overview's history (depth, wait p95, throughput, errors per minute) for the last hour, or 24 h on demand. */
export const GET = route("viewer", { query: Query }, async ({ query }) => json(await loadOverview(query.range)));
