"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { isActive, NAV } from "../../lib/nav.ts";
import { roleAllows } from "../../lib/roles.ts";
import { useConsoleSession } from "../providers.tsx";

export function SideNav() {
  const pathname = usePathname();
  const { role } = useConsoleSession();
  return (
    <nav className="sidenav" aria-label="Console">
      <ul>
        {NAV.filter((n) => roleAllows(role, n.role)).map((n) => (
          <li key={n.href}>
            <Link href={n.href} className={isActive(n.href, pathname) ? "active" : undefined} aria-current={isActive(n.href, pathname) ? "page" : undefined}>
              <span>{n.label}</span>
              {n.built ? null : <span className="soon">soon</span>}
            </Link>
          </li>
        ))}
      </ul>
      <p className="sidenav-foot muted">Roles: viewer reads · operator acts · admin manages operators</p>
    </nav>
  );
}
