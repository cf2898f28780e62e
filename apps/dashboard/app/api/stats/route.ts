import { json } from "../../../lib/http.ts";
import { route } from "../../../lib/route.ts";

/** Queue depths, workers and networks (ops.stats): what the overview polls. */
export const GET = route("viewer", {}, async ({ s }) => json(await s.ops.stats(s.engine)));
