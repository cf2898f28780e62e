import { describe, expect, it } from "vitest";
import { countdown, formatDuration, formatRate } from "../lib/format.ts";

describe("formatting", () => {
  it("writes durations at a useful precision", () => {
    expect([850, 4_200, 45_000, 125_000, 12 * 60_000, 3_900_000, 3 * 86_400_000].map(formatDuration)).toEqual(["850 ms", "4.2 s", "45 s", "2 min 05 s", "12 min", "1 h 05 min", "3 d 0 h"]);
  });
  it("counts down to a reset in whole seconds, then says now", () => {
    expect(countdown(10_500, 3_000)).toBe("in 8 s");
    expect(countdown(3_000 + 125_000, 3_000)).toBe("in 2 min 05 s");
    expect(countdown(1_000, 2_000)).toBe("now");
    expect(countdown(null, 0)).toBe("—");
  });
  it("writes rates per second, minute or hour", () => {
    expect([15 / 9, 25, 0.05, 0.0005, 0].map(formatRate)).toEqual(["1.67/s", "25/s", "3/min", "1.8/h", "0/s"]);
  });
});
