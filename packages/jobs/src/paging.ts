import type { Page, PagingStyle } from "./networks/types.ts";
import type { PagePayload } from "./payloads.ts";

/**
 * Which pages a page launches — pure logic, so each strategy is tested without Redis or HTTP.
 *  - cursor: the next cursor, as soon as the page has it; the API's "no next" is the only end.
 *  - known (offset paging, first page with a non-zero total): every remaining page at once; the limiter, not the
 *    paging code, decides how fast they run.
 *  - window (offset paging, total unknown): W pages in flight; a non-empty page launches offset + W·pageSize, an
 *    empty one is terminal.
 *  - fill: a short page inside the known range launches a page for its own gap (short never means the end).
 */
export interface PagingPlan {
  successors: PagePayload[];
  /** Cursor to check for repeats (cursor paging). */
  nextCursor: string | null;
  /** A non-empty page adding no new follower ends paging: quietly for a gap page, as an anomaly for a window page. */
  stopIfNoNew: false | "quiet" | "anomaly";
  anomaly?: string;
}

export interface PagingConfig { style: PagingStyle; window: number; maxPages: number }

/** Pages in a row answering with their own cursor that are asked again, before the cursor counts as a loop. */
export const MAX_CURSOR_REPEATS = 3;

/** The first job of an account: its size call where the network has one and pages carry no total, else page one. */
export function firstPage(base: Omit<PagePayload, "page" | "cursor" | "offset" | "mode" | "window" | "authRetried">, style: PagingStyle, window: number, sizeFirst = false): PagePayload {
  const start = { ...base, cursor: null, offset: 0, window, authRetried: false };
  if (sizeFirst) return { ...start, page: "s0", mode: "size" };
  return { ...start, page: style === "cursor" ? "p0" : "o0", mode: style === "cursor" ? "cursor" : "known" };
}

/** Offset paging: the true position of a page's first item, when the totals tell how far the list shifted. */
export function coverStart(p: PagePayload, page: Page): number | null {
  if (p.mode === "cursor" || p.mode === "size" || !page.total) return null;
  if (p.page === "o0") return 0;
  if (!p.total0) return null;
  return p.offset - (page.total - p.total0);
}

export function planNext(p: PagePayload, page: Page, cfg: PagingConfig, pagesSoFar: number): PagingPlan {
  if (p.mode === "size") return { successors: [], nextCursor: null, stopIfNoNew: false };
  const total0 = p.page === "o0" && page.total ? page.total : p.total0;
  const at = (offset: number, mode: PagePayload["mode"]): PagePayload =>
    ({ ...p, page: `o${offset}`, offset, cursor: null, mode, authRetried: false, ...(total0 ? { total0 } : {}) });
  const n = page.ids.length;

  if (p.mode === "cursor") {
    if (page.next === null) return { successors: [], nextCursor: null, stopIfNoNew: false };
    const { repeats = 0, ...rest } = p;
    if (page.next === p.cursor && repeats >= MAX_CURSOR_REPEATS) return { successors: [], nextCursor: null, stopIfNoNew: false, anomaly: "repeated cursor: paging stopped" };
    const index = Number(p.page.slice(1)) + 1;
    if (index >= cfg.maxPages) return { successors: [], nextCursor: null, stopIfNoNew: false, anomaly: `page cap of ${cfg.maxPages} reached: paging stopped` };
    if (page.next === p.cursor) {
      // A page naming its own cursor as the next one is a loop, or a short page holding only the item the API
      // repeated from the previous page (overlap): asking the same cursor again moves on then. Only a cursor that
      // keeps repeating ends paging (leaf-8.lua's repeated-cursor check is not asked for these retries).
      return { successors: [{ ...rest, page: `p${index}`, authRetried: false, repeats: repeats + 1 }], nextCursor: null, stopIfNoNew: false };
    }
    return { successors: [{ ...rest, page: `p${index}`, cursor: page.next, authRetried: false }], nextCursor: page.next, stopIfNoNew: false };
  }

  if (pagesSoFar >= cfg.maxPages) return { successors: [], nextCursor: null, stopIfNoNew: false, anomaly: `page cap of ${cfg.maxPages} reached: paging stopped` };

  if (p.mode === "known" && p.offset === 0) {
    const total = page.total ?? 0;
    if (total > 0) {
      const succ: PagePayload[] = [];
      for (let o = p.pageSize; o < total; o += p.pageSize) succ.push(at(o, "known"));
      if (n > 0 && n < p.pageSize && n < total) succ.push(at(n, "fill"));
      return { successors: succ, nextCursor: null, stopIfNoNew: false };
    }
    // Total unknown (LinkedIn sometimes says 0): keep a window of pages in flight.
    if (n === 0) return { successors: [], nextCursor: null, stopIfNoNew: false };
    const succ: PagePayload[] = [];
    for (let i = 1; i <= p.window; i++) succ.push(at(i * p.pageSize, "window"));
    if (n < p.pageSize) succ.push(at(n, "fill"));
    return { successors: succ, nextCursor: null, stopIfNoNew: false };
  }

  if (n === 0) return { successors: [], nextCursor: null, stopIfNoNew: false };
  const succ: PagePayload[] = [];
  if (p.mode === "window") succ.push(at(p.offset + p.window * p.pageSize, "window"));
  const known = p.mode === "known" || p.mode === "fill";
  // A short page inside the range: fetch its gap, since offsets shift and clamping makes short pages normal.
  if (n < p.pageSize && (!known || page.total === null || p.offset + n < page.total || page.total === 0)) {
    succ.push(at(p.offset + n, "fill"));
  }
  return { successors: dedupe(succ), nextCursor: null, stopIfNoNew: p.mode === "window" ? "anomaly" : p.mode === "fill" ? "quiet" : false };
}

function dedupe(list: PagePayload[]): PagePayload[] {
  const seen = new Set<string>();
  return list.filter((s) => (seen.has(s.page) ? false : (seen.add(s.page), true)));
}
