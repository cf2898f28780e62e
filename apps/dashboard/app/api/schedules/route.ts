import { json } from "../../../lib/http.ts";
import { route } from "../../../lib/route.ts";
import { loadSchedules } from "../../../lib/server-data.ts";

/** Code-defined schedules with their next run (BullMQ job schedulers). */
export const GET = route("viewer", {}, async () => json(await loadSchedules()));
