/**
 * Counts arrivals over a sliding second with a ring of the last N timestamps: the (N+1)-th arrival within 1000 ms
 * is over. Refused arrivals are recorded too, because an unpublished limit counts every request it sees.
 */
export class SlidingSecond {
  private readonly ring: Float64Array;
  private pos = 0;
  private filled = 0;

  constructor(readonly perSecond: number) {
    this.ring = new Float64Array(perSecond);
  }

  /** Records an arrival at `now`; true when it exceeds `perSecond` within the last second. */
  arrive(now: number): boolean {
    const size = this.ring.length;
    const over = this.filled === size && (this.ring[this.pos] ?? 0) > now - 1000;
    this.ring[this.pos] = now;
    this.pos = (this.pos + 1) % size;
    if (this.filled < size) this.filled++;
    return over;
  }
}
