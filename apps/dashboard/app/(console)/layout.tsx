import { HydrationBoundary } from "@tanstack/react-query";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { Providers } from "../../components/providers.tsx";
import { RedisDown } from "../../components/redis-down.tsx";
import { SideNav } from "../../components/shell/side-nav.tsx";
import { TopBar } from "../../components/shell/top-bar.tsx";
import { currentOperator } from "../../lib/auth.ts";
import { qk } from "../../lib/query-keys.ts";
import { loadHealth, prefetch } from "../../lib/server-data.ts";

/** Every console page: the session is checked against Redis here (the gate only checked the cookie's seal). */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const auth = await currentOperator();
  if (auth.state === "signed-out") redirect("/login");
  if (auth.state === "unavailable") return <RedisDown error={auth.error} />;
  const { operator, csrf } = auth;
  // The top bar's live indicator starts from the server's own health check, not from "connecting…".
  const health = await prefetch([{ key: qk.health(), load: loadHealth }]);
  return (
    <Providers session={{ name: operator.name, role: operator.role, csrf }}>
      {/* Also in the page head, for scripts and tests that call the API from this session. */}
      <meta name="fanout-csrf" content={csrf} />
      <div className="app">
        <HydrationBoundary state={health}>
          <TopBar />
        </HydrationBoundary>
        <SideNav />
        <main className="content">{children}</main>
      </div>
    </Providers>
  );
}
