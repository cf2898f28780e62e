import { intBetween, type Rng } from "../ids/rng.ts";

/** First index in sorted `arr` whose value is >= x. */
function lowerBound(arr: readonly number[], x: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((arr[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One account's true follower set, held as a count of ordinals ever issued plus the sorted list of removed ones.
 * Ordinal k is the k-th follower ever gained; newest first means descending ordinals. A follower's id is a pure
 * function of its ordinal, so a million followers cost two numbers, and cursors that name an ordinal stay valid
 * while followers come and go (like Mastodon's follow-record ids).
 */
export class FollowerSet {
  private issuedCount: number;
  private readonly removed: number[] = [];
  /** Bumped on every change; truth is cached per version. */
  version = 0;

  constructor(initial: number) {
    this.issuedCount = initial;
  }

  get issued(): number {
    return this.issuedCount;
  }

  get count(): number {
    return this.issuedCount - this.removed.length;
  }

  isLive(ordinal: number): boolean {
    if (ordinal < 0 || ordinal >= this.issuedCount) return false;
    const i = lowerBound(this.removed, ordinal);
    return this.removed[i] !== ordinal;
  }

  /** Pushes live ordinals strictly below `below`, newest first, until `limit` are taken. */
  takeBelow(below: number, limit: number, out: number[]): void {
    let o = Math.min(below, this.issuedCount) - 1;
    if (this.removed.length === 0) {
      for (; o >= 0 && out.length < limit; o--) out.push(o);
      return;
    }
    let idx = lowerBound(this.removed, o + 1) - 1;
    while (o >= 0 && out.length < limit) {
      while (idx >= 0 && (this.removed[idx] ?? -1) > o) idx--;
      if (idx >= 0 && this.removed[idx] === o) {
        idx--;
      } else {
        out.push(o);
      }
      o--;
    }
  }

  /** Live ordinals strictly above `above`: the `limit` nearest to it (closest) or the newest ones; newest first. */
  takeAbove(above: number, limit: number, closest: boolean): number[] {
    const out: number[] = [];
    if (closest) {
      for (let o = Math.max(above + 1, 0); o < this.issuedCount && out.length < limit; o++) {
        if (this.isLive(o)) out.push(o);
      }
      return out.reverse();
    }
    this.takeBelow(this.issuedCount, limit, out);
    return out.filter((o) => o > above);
  }

  /** The live ordinal at `position` (0 = newest), or undefined past the end. */
  ordinalAt(position: number): number | undefined {
    if (position < 0 || position >= this.count) return undefined;
    if (this.removed.length === 0) return this.issuedCount - 1 - position;
    // liveAtOrAbove(o) falls as o rises; the answer is the largest o with liveAtOrAbove(o) > position.
    let lo = 0;
    let hi = this.issuedCount - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const live = this.issuedCount - mid - (this.removed.length - lowerBound(this.removed, mid));
      if (live > position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Calls `visit` with every live ordinal, newest first. */
  forEachLive(visit: (ordinal: number) => void): void {
    let idx = this.removed.length - 1;
    for (let o = this.issuedCount - 1; o >= 0; o--) {
      if (idx >= 0 && this.removed[idx] === o) {
        idx--;
        continue;
      }
      visit(o);
    }
  }

  add(n: number): void {
    if (n <= 0) return;
    this.issuedCount += n;
    this.version++;
  }

  /** Removes `m` distinct live followers picked by `rng` (m must not exceed the count). */
  remove(m: number, rng: Rng): void {
    if (m <= 0) return;
    const count = this.count;
    const positions = m * 2 > count ? this.pickDense(m, count, rng) : this.pickSparse(m, count, rng);
    const ordinals = positions.map((p) => this.ordinalAt(p) ?? -1).filter((o) => o >= 0);
    ordinals.sort((a, b) => a - b);
    const merged: number[] = [];
    let i = 0;
    let j = 0;
    while (i < this.removed.length || j < ordinals.length) {
      const a = this.removed[i];
      const b = ordinals[j];
      if (b === undefined || (a !== undefined && a < b)) {
        merged.push(a ?? 0);
        i++;
      } else {
        merged.push(b);
        j++;
      }
    }
    this.removed.length = 0;
    for (const o of merged) this.removed.push(o);
    this.version++;
  }

  private pickSparse(m: number, count: number, rng: Rng): number[] {
    const chosen = new Set<number>();
    while (chosen.size < m) chosen.add(intBetween(rng, 0, count - 1));
    return [...chosen];
  }

  private pickDense(m: number, count: number, rng: Rng): number[] {
    const all = new Uint32Array(count);
    for (let i = 0; i < count; i++) all[i] = i;
    for (let i = 0; i < m; i++) {
      const j = intBetween(rng, i, count - 1);
      const t = all[i] ?? 0;
      all[i] = all[j] ?? 0;
      all[j] = t;
    }
    return Array.from(all.subarray(0, m));
  }
}
