"use client";
import { useEffect, useState } from "react";

/** The wall clock, re-rendering every `ms`: countdowns and "x s ago" stay live between polls. */
export function useNow(ms = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
