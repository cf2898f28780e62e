export type Freshness = "loading" | "fresh" | "failing" | "stalled" | "signed-out";

/** Polled data is "stalled" when no answer came for `staleAfterMs`, even if no request has failed yet (a hung Redis). */
export function freshness(i: { nowMs: number; updatedAt: number; failing: boolean; signedOut: boolean; staleAfterMs: number }): Freshness {
  if (i.signedOut) return "signed-out";
  if (i.failing) return "failing";
  if (!i.updatedAt) return "loading";
  return i.nowMs - i.updatedAt > i.staleAfterMs ? "stalled" : "fresh";
}
