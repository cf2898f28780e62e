import type { Role } from "@fanout/jobs/operators";

export interface NavItem { href: string; label: string; role: Role; group: "watch" | "act" | "admin" }

/** The side navigation, in the order operators scan it. */
export const NAV: readonly NavItem[] = [
  { href: "/", label: "Overview", role: "viewer", group: "watch" },
  { href: "/queues", label: "Queues & jobs", role: "viewer", group: "watch" },
  { href: "/failed", label: "Failed jobs", role: "viewer", group: "watch" },
  { href: "/networks", label: "Networks", role: "viewer", group: "watch" },
  { href: "/rate-limits", label: "Rate limits", role: "viewer", group: "watch" },
  { href: "/whales", label: "Whales", role: "viewer", group: "act" },
  { href: "/trees", label: "Trees", role: "viewer", group: "act" },
  { href: "/accounts", label: "Accounts", role: "viewer", group: "act" },
  { href: "/schedules", label: "Schedules", role: "viewer", group: "act" },
  { href: "/workers", label: "Workers", role: "viewer", group: "act" },
  { href: "/audit", label: "Audit log", role: "viewer", group: "admin" },
  { href: "/webhooks", label: "Webhooks", role: "viewer", group: "admin" },
  { href: "/apikeys", label: "API keys", role: "admin", group: "admin" },
  { href: "/operators", label: "Operators", role: "admin", group: "admin" },
];

export function isActive(href: string, pathname: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}
