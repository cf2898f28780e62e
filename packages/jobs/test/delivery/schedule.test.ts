import { describe, expect, it } from "vitest";
import { DEFAULT_DELIVERY } from "../../src/delivery/settings.ts";
import { scheduleOf, webhookBackoff, webhookSchedule } from "../../src/delivery/schedule.ts";

describe("webhook retry schedule", () => {
  it("doubles from the base up to the cap and spans exactly 24 h by default", () => {
    const d = webhookSchedule(scheduleOf(DEFAULT_DELIVERY.webhooks));
    expect(d.slice(0, 4)).toEqual([15_000, 30_000, 60_000, 120_000]);
    expect(Math.max(...d)).toBe(3 * 3_600_000);
    expect(d.reduce((a, b) => a + b, 0)).toBe(24 * 3_600_000);
    expect(d).toHaveLength(17);
  });

  it("jitters each delay by at most 10 % and clamps past the end", () => {
    const p = { baseMs: 1_000, capMs: 8_000, spanMs: 20_000 };
    expect(webhookSchedule(p)).toEqual([1_000, 2_000, 4_000, 8_000, 5_000]);
    expect(webhookBackoff(1, p, () => 0)).toBe(900);
    expect(webhookBackoff(3, p, () => 1)).toBe(4_400);
    expect(webhookBackoff(99, p, () => 0.5)).toBe(5_000);
  });
});
