import type { NextRequest } from "next/server";
import { json } from "../../../../lib/http.ts";
import { services } from "../../../../lib/services.ts";

/** The OpenAPI 3.1 document of `/api/v1`, generated from the zod schemas the routes parse with. Public: it holds no data. */
export function GET(req: NextRequest): Response {
  return json(services().delivery.openApiDocument({ serverUrl: req.nextUrl.origin }));
}
