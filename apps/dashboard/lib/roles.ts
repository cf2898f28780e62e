import type { Role } from "@fanout/jobs/operators";

/** The role order, for the browser bundle too (Next code imports the jobs package for its types only). */
export const ROLES = ["viewer", "operator", "admin"] as const satisfies readonly Role[];

// Fails to compile when the jobs package gains a role this list lacks.
type Missing = Exclude<Role, (typeof ROLES)[number]>;
export const ROLES_COMPLETE: [Missing] extends [never] ? true : never = true;

export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
