"use client";
import { useEffect, useState } from "react";

/** Shown instead of the console when the session cannot be checked because Redis is away; reloads once it is back. */
export function RedisDown({ error }: { error: string }) {
  const [last, setLast] = useState(error);
  useEffect(() => {
    const t = setInterval(() => {
      void fetch("/api/health", { cache: "no-store" })
        .then(async (r) => {
          if (r.ok) window.location.reload();
          else setLast(((await r.json()) as { error?: string }).error ?? `HTTP ${r.status}`);
        })
        .catch((e: unknown) => setLast(e instanceof Error ? e.message : String(e)));
    }, 3_000);
    return () => clearInterval(t);
  }, []);
  return (
    <main className="center-screen">
      <section className="panel redis-down" role="alert">
        <h1>Redis is unreachable</h1>
        <p>The console is up but cannot reach Redis, so it cannot check your session or show data.</p>
        <p className="mono muted">{last}</p>
        <p className="muted">Retrying every 3 s; this page reloads by itself when Redis answers.</p>
      </section>
    </main>
  );
}
