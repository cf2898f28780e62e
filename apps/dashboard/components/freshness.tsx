"use client";
import { useEffect, useState, type ReactNode } from "react";
import { ApiError } from "../lib/fetch-json.ts";
import { ago } from "../lib/live-status.ts";
import { formatClock } from "../lib/overview-data.ts";
import { freshness } from "../lib/freshness.ts";

interface QueryLike { dataUpdatedAt: number; isError: boolean; error: Error | null; data?: unknown }

/**
 * Wraps polled data: says when it was fetched and, when polling fails or stalls, that the numbers below are old
 * (dimmed) and why.
 */
export function Fresh({ query, staleAfterMs = 10_000, children }: { query: QueryLike; staleAfterMs?: number; children: ReactNode }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  const state = freshness({ nowMs: now, updatedAt: query.dataUpdatedAt, failing: query.isError, signedOut: query.error instanceof ApiError && query.error.status === 401, staleAfterMs });
  const since = query.dataUpdatedAt ? <> · showing data from {formatClock(query.dataUpdatedAt)} ({ago(now, query.dataUpdatedAt)})</> : null;
  const stale = state !== "fresh" && state !== "loading";
  return (
    <div className={stale ? "fresh is-stale" : "fresh"} data-stale={stale ? "true" : "false"} data-testid="freshness">
      <div className={stale ? "fresh-note fresh-bad" : "fresh-note"}>
        {state === "signed-out" ? <>Signed out: <a href="/login">sign in again</a>.</>
          : state === "failing" ? <>Refresh failing ({query.error?.message ?? "error"}){since}</>
          : state === "stalled" ? <>No answer for a while: the numbers below may be out of date{since}</>
          : state === "fresh" ? <>Updated {formatClock(query.dataUpdatedAt)}</>
          : <>Loading…</>}
      </div>
      {query.data === undefined ? null : children}
    </div>
  );
}
