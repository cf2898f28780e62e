import type { FollowerSet } from "../accounts/follower-set.ts";
import { intBetween, type Rng } from "../ids/rng.ts";

/** Where a page starts, whatever the network's cursor looks like on the wire. */
export type Start =
  | { kind: "first" }
  /** items older than this ordinal (an `after` cursor, Mastodon's `max_id`) */
  | { kind: "below"; ordinal: number }
  /** items newer than this ordinal: the nearest ones (`before`, `min_id`) or the newest ones (`since_id`) */
  | { kind: "above"; ordinal: number; closest: boolean }
  /** LinkedIn's `start` */
  | { kind: "offset"; position: number }
  /** the n-th page past the true end of an endlessly paging account */
  | { kind: "endless"; n: number };

export interface PageOptions {
  limit: number;
  /** this page is short: fewer items than asked while more follow */
  short: boolean;
  /** this page starts one item early, repeating the previous page's last follower (cursor networks) */
  overlap: boolean;
  /** past the true end, keep offering pages of one already-seen follower */
  endless: boolean;
  rng: Rng;
}

export interface Page {
  /** newest first */
  ordinals: number[];
  /** the continuation, or null at the end */
  next: Start | null;
  /** whether more items truly follow (false on the true last page, even when `next` is an endless one) */
  more: boolean;
  /** LinkedIn: the offset this page actually began at */
  position: number;
}

function endlessPage(set: FollowerSet, n: number, offsetBase: number | null): Page {
  const count = set.count;
  const seen = count === 0 ? undefined : set.ordinalAt(n % count);
  const next: Start = offsetBase === null ? { kind: "endless", n: n + 1 } : { kind: "offset", position: offsetBase + 1 };
  return { ordinals: seen === undefined ? [] : [seen], next, more: false, position: offsetBase ?? 0 };
}

/** One page of the account's followers, faults applied. Items are fetched one past the limit to know if more follow. */
export function buildPage(set: FollowerSet, start: Start, o: PageOptions): Page {
  const items: number[] = [];
  let position = 0;
  switch (start.kind) {
    case "first":
      set.takeBelow(set.issued, o.limit + 1, items);
      break;
    case "below": {
      const from = o.overlap && set.isLive(start.ordinal) ? start.ordinal + 1 : start.ordinal;
      set.takeBelow(from, o.limit + 1, items);
      if (items.length === 0 && o.endless) return endlessPage(set, 0, null);
      break;
    }
    case "above": {
      const newer = set.takeAbove(start.ordinal, o.limit, start.closest);
      const last = newer[newer.length - 1];
      return { ordinals: newer, next: last === undefined ? null : { kind: "below", ordinal: last }, more: last !== undefined, position: 0 };
    }
    case "offset": {
      position = start.position;
      if (position >= set.count && o.endless) return endlessPage(set, position - set.count, position);
      const first = set.ordinalAt(position);
      if (first !== undefined) set.takeBelow(first + 1, o.limit + 1, items);
      break;
    }
    case "endless":
      return endlessPage(set, start.n, null);
  }
  let more = items.length > o.limit;
  if (more) items.length = o.limit;
  if (o.short && items.length >= 2) {
    items.length = intBetween(o.rng, 1, items.length - 1);
    more = true;
  }
  const last = items[items.length - 1];
  let next: Start | null = null;
  if (start.kind === "offset") {
    if (more || o.endless) next = { kind: "offset", position: position + items.length };
  } else if (more && last !== undefined) {
    next = { kind: "below", ordinal: last };
  } else if (o.endless) {
    next = last === undefined ? { kind: "endless", n: 0 } : { kind: "below", ordinal: last };
  }
  return { ordinals: items, next, more, position };
}
