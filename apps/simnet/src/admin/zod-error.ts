import type { z } from "zod";

export interface BadRequest { error: string; path: string }

/** The first zod issue as simnet's admin error: a message and the dotted path of the offending field. */
export function toBadRequest(error: z.ZodError, prefix: readonly PropertyKey[] = []): BadRequest {
  const issue = error.issues[0];
  if (!issue) return { error: "invalid request", path: prefix.map(String).join(".") };
  const path = [...prefix, ...issue.path];
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) {
    return { error: `unknown field "${issue.keys[0]}"`, path: [...path, issue.keys[0]].map(String).join(".") };
  }
  return { error: issue.message, path: path.map(String).join(".") };
}
