import type { Role } from "@fanout/jobs/operators";

export interface NavItem { href: string; label: string; role: Role; built: boolean }

/** The side navigation, in the order operators scan it. `built: false` pages show what they will hold. */
export const NAV: readonly NavItem[] = [
  { href: "/", label: "Overview", role: "viewer", built: true },
  { href: "/queues", label: "Queues", role: "viewer", built: true },
  { href: "/networks", label: "Networks", role: "viewer", built: true },
  { href: "/rate-limits", label: "Rate limits", role: "viewer", built: false },
  { href: "/whales", label: "Whales", role: "viewer", built: true },
  { href: "/trees", label: "Trees", role: "viewer", built: true },
  { href: "/schedules", label: "Schedules", role: "viewer", built: false },
  { href: "/workers", label: "Workers", role: "viewer", built: true },
  { href: "/audit", label: "Audit log", role: "viewer", built: true },
  { href: "/operators", label: "Operators", role: "admin", built: true },
];

export function isActive(href: string, pathname: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}
