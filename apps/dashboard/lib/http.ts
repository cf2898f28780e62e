import type { z } from "zod";

/** Every API answer: JSON, never cached; errors are `{"error": "…", "path"?: "…"}`. */
export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(data, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

export function error(status: number, message: string, path?: string, headers: Record<string, string> = {}): Response {
  return json(path ? { error: message, path } : { error: message }, status, headers);
}

/** The first zod issue as a 400 naming the field. */
export function invalid(err: z.ZodError): Response {
  const issue = err.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  return error(400, path ? `${path}: ${issue?.message ?? "invalid"}` : (issue?.message ?? "invalid input"), path || undefined);
}
