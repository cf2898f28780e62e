import { networkGauges } from "@fanout/jobs/limiter/gauges";
import { waitForTree } from "@fanout/jobs/ops";
import { connect, sync } from "../support/engine.ts";
import { expect, newOperator, test, uid } from "../support/fixtures.ts";

/**
 * Story 6, first half: the rate-limit gauges move while a sync runs, with a live countdown to the reset. 25 pages
 * against 15 per (scaled) 15 minutes: the key fills, holds at its limit while the countdown runs, then slides on.
 */
test("rate-limit gauges move while a sync runs and count down to the reset", async ({ page, stack, sim, engine, signIn, shoot }) => {
  const id = uid("rl");
  const key = `token.${id}.9000.followers`;
  await sim.create("twitter", id, 25_000);
  await connect(stack, engine, [`twitter:${id}`]);
  const op = await newOperator(stack, "operator");
  await signIn(op.name, op.password);
  await page.goto("/rate-limits?network=twitter");
  const treeId = await sync(engine, [`twitter:${id}`]);
  const gauge = page.locator(`[data-testid="gauge"][data-key="${key}"]`);
  // An idle key (nothing counted in its window) is folded away: it reads as 0.
  const used = async () => ((await gauge.count()) ? Number(/^(\d+) \//.exec((await gauge.getByTestId("gauge-used").textContent()) ?? "")?.[1] ?? -1) : 0);
  const seconds = async () => ((await gauge.count()) ? Number(/in (\d+) s/.exec((await gauge.getByTestId("gauge-reset").textContent()) ?? "")?.[1] ?? -1) : -1);
  await expect.poll(used, { timeout: 20_000 }).toBe(15);
  await expect(gauge.getByTestId("gauge-remaining")).toHaveText("0");
  await expect(gauge.getByTestId("gauge-reset")).toHaveText(/resets in \d+ s/);
  // The gauge reads "resets now" (-1 here) once its reset has passed and until the next poll shows the new window:
  // the countdown starts from a real reading.
  let before = -1;
  await expect.poll(async () => { before = await seconds(); return before; }, { timeout: 5_000 }).toBeGreaterThanOrEqual(0);
  await expect.poll(seconds, { timeout: 5_000 }).toBeLessThan(before);
  await shoot("rate-limits");
  // The limiter's own view: the same key and limit, calls counted, a reset within one (scaled) window.
  const live = (await networkGauges(engine, "twitter")).keys.find((k) => k.key === key);
  expect(live).toMatchObject({ max: 15, scope: "token", who: id });
  expect(live?.used).toBeGreaterThan(0);
  expect((live?.resetAt ?? 0) - Date.now()).toBeLessThanOrEqual(9_000);

  // The window slides on: the rest of the pages go through, then the key empties as its calls age out.
  expect((await waitForTree(engine, treeId, { timeoutMs: 45_000 })).state).toBe("done");
  await expect.poll(used, { timeout: 20_000 }).toBeLessThan(15);
  await expect.poll(async () => {
    const g = (await networkGauges(engine, "twitter")).keys.find((k) => k.key === key);
    return (await used()) === (g?.used ?? 0);
  }, { timeout: 10_000 }).toBe(true);
});

/** Story 6, second half: injected faults show in the error breakdown by kind, as the engine counted them. */
test("the error breakdown shows injected faults by kind", async ({ page, stack, sim, engine, signIn, shoot }) => {
  const flaky = uid("flaky");
  const throttled = uid("throttled");
  await sim.create("linkedin", flaky, 400);
  await sim.create("facebook", throttled, 800);
  await connect(stack, engine, [`linkedin:${flaky}`, `facebook:${throttled}`]);
  await sim.patch({ networks: { linkedin: { errorRate: 0.3 }, facebook: { hiddenLimit: { perSecond: 3 } } } });
  try {
    const treeId = await sync(engine, [`linkedin:${flaky}`, `facebook:${throttled}`]);
    expect((await waitForTree(engine, treeId, { timeoutMs: 60_000 })).settledAt).toBeTruthy();
  } finally {
    await sim.patch({ networks: { linkedin: { errorRate: 0 }, facebook: { hiddenLimit: null } } });
  }
  const op = await newOperator(stack, "operator");
  await signIn(op.name, op.password);
  for (const [network, kind] of [["linkedin", "transient"], ["facebook", "rate_limited"]] as const) {
    const now = Date.now();
    const buckets = await engine.errors.buckets(network, now - 3_600_000, now);
    const counted = buckets.reduce((n, b) => n + Object.entries(b.counts).filter(([k]) => k.startsWith(`${kind}|`)).reduce((m, [, v]) => m + v, 0), 0);
    expect(counted, `${network} ${kind} errors counted by the engine`).toBeGreaterThan(0);
    await page.goto(`/networks?network=${network}`);
    await expect(page.getByTestId("kind-totals").locator(`[data-kind="${kind}"]`)).toContainText(new RegExp(`\\b${counted.toLocaleString("en-US")}\\b`));
    await expect(page.getByTestId("error-breakdown")).toBeVisible();
    await expect(page.getByTestId("top-codes")).toContainText(kind);
    await expect(page.getByTestId("error-samples")).toContainText(kind);
    await shoot(`networks-${network}-errors`);
  }
  await page.goto("/rate-limits?network=facebook");
  await expect(page.getByTestId("in-force")).toContainText("none published");
  await expect(page.getByTestId("in-force")).toContainText(/429s seen\s*[1-9]/);
  await shoot("rate-limits-adaptive");
});
