"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { isActive, NAV } from "../../lib/nav.ts";
import { roleAllows } from "../../lib/roles.ts";
import { useConsoleSession } from "../providers.tsx";

const GROUPS = [["watch", "Watch"], ["act", "Act"], ["admin", "Record"]] as const;

export function SideNav() {
  const pathname = usePathname();
  const { role } = useConsoleSession();
  const here = (href: string) => isActive(href, pathname) || (href === "/queues" && pathname.startsWith("/jobs/"));
  return (
    <nav className="sidenav" aria-label="Console">
      {GROUPS.map(([g, title]) => (
        <div key={g} className="nav-group">
          <div className="nav-title">{title}</div>
          <ul>
            {NAV.filter((n) => n.group === g && roleAllows(role, n.role)).map((n) => (
              <li key={n.href}>
                <Link href={n.href} className={here(n.href) ? "active" : undefined} aria-current={here(n.href) ? "page" : undefined}>{n.label}</Link>
              </li>
            ))}
          </ul>
        </div>
      ))}
      <p className="sidenav-foot muted">Roles: viewer reads · operator acts · admin manages operators and limits</p>
    </nav>
  );
}
