import { describe, expect, it } from "vitest";
import { firstPage, MAX_CURSOR_REPEATS, planNext } from "../src/paging.ts";
import type { Page } from "../src/networks/types.ts";
import type { PagePayload } from "../src/payloads.ts";

const base = { treeId: "t1", network: "linkedin", accountId: "a", authAccount: "a", pageSize: 50 };
const page = (n: number, extra: Partial<Page> = {}): Page => ({ ids: Array.from({ length: n }, (_, i) => `id${i}`), next: null, total: null, rate: null, ...extra });
const cfg = { style: "offset" as const, window: 4, maxPages: 1_000 };

describe("planNext", () => {
  it("cursor paging launches the next cursor and ends only when the API says so", () => {
    const p0 = firstPage({ ...base, network: "twitter" }, "cursor", 1);
    expect(planNext(p0, page(3, { next: "c1" }), { ...cfg, style: "cursor" }, 0).successors.map((s) => [s.page, s.cursor])).toEqual([["p1", "c1"]]);
    // a short page with a cursor is not the end
    expect(planNext(p0, page(0, { next: "c1" }), { ...cfg, style: "cursor" }, 0).successors).toHaveLength(1);
    expect(planNext(p0, page(100, { next: null }), { ...cfg, style: "cursor" }, 0).successors).toEqual([]);
  });

  it("a cursor that repeats the current one is asked again, then ends paging with an anomaly if it keeps repeating", () => {
    let p: PagePayload = { ...firstPage({ ...base, network: "twitter" }, "cursor", 1), page: "p1", cursor: "same" };
    // one repeat: a short page holding only the item the API repeated from the previous page; asked again
    for (let i = 1; i <= MAX_CURSOR_REPEATS; i++) {
      const plan = planNext(p, page(1, { next: "same" }), { ...cfg, style: "cursor" }, i);
      expect(plan).toMatchObject({ nextCursor: null, successors: [{ page: `p${i + 1}`, cursor: "same", repeats: i }] });
      expect(plan.anomaly).toBeUndefined();
      p = plan.successors[0] ?? p;
    }
    const stop = planNext(p, page(1, { next: "same" }), { ...cfg, style: "cursor" }, MAX_CURSOR_REPEATS + 1);
    expect(stop.successors).toEqual([]);
    expect(stop.anomaly).toMatch(/repeated cursor/);
    // progress resets the count
    const moved = planNext(p, page(5, { next: "other" }), { ...cfg, style: "cursor" }, MAX_CURSOR_REPEATS + 1);
    expect(moved.successors[0]).toMatchObject({ cursor: "other" });
    expect(moved.successors[0]?.repeats).toBeUndefined();
  });

  it("known total: the first page fans out every remaining page at once", () => {
    const p0 = firstPage(base, "offset", 4);
    const plan = planNext(p0, page(50, { total: 260 }), cfg, 0);
    expect(plan.successors.map((s) => s.page)).toEqual(["o50", "o100", "o150", "o200", "o250"]);
    expect(plan.successors.every((s) => s.mode === "known")).toBe(true);
  });

  it("a short page inside a known range fetches its own gap", () => {
    const p = { ...firstPage(base, "offset", 4), page: "o100", offset: 100 };
    expect(planNext(p, page(37, { total: 260 }), cfg, 3).successors.map((s) => [s.page, s.mode])).toEqual([["o137", "fill"]]);
    // the last page of the range is short because the list ends there
    const last = { ...p, page: "o250", offset: 250 };
    expect(planNext(last, page(10, { total: 260 }), cfg, 5).successors).toEqual([]);
  });

  it("unknown total (0): a window of W pages, each non-empty page launching offset + W·size", () => {
    const p0 = firstPage(base, "offset", 4);
    expect(planNext(p0, page(50, { total: 0 }), cfg, 0).successors.map((s) => s.page)).toEqual(["o50", "o100", "o150", "o200"]);
    const w = { ...p0, page: "o100", offset: 100, mode: "window" as const };
    const plan = planNext(w, page(50, { total: 0 }), cfg, 2);
    expect(plan.successors.map((s) => s.page)).toEqual(["o300"]);
    expect(plan.stopIfNoNew).toBe("anomaly");
    expect(planNext(w, page(0, { total: 0 }), cfg, 2).successors).toEqual([]);
  });

  it("stops at the page cap with an anomaly", () => {
    const w = { ...firstPage(base, "offset", 4), page: "o100", offset: 100, mode: "window" as const };
    expect(planNext(w, page(50), { ...cfg, maxPages: 3 }, 3).anomaly).toMatch(/page cap/);
  });
});
