import { expect, test } from "../support/fixtures.ts";
import { pauseRedis } from "../support/redis.ts";

/** Last of the stories: Redis stops answering (the workers wait it out too); the console says so and recovers. */
test("when Redis stops answering the console says so, and recovers by itself", async ({ page, stack, signIn, shoot, request }) => {
  test.setTimeout(120_000);
  await signIn(stack.admin.name, stack.admin.password);
  const live = page.getByTestId("live-status");
  const fresh = page.getByTestId("freshness");
  await expect(live).toHaveAttribute("data-status", "live");
  await expect(fresh).toHaveAttribute("data-stale", "false");

  await pauseRedis(stack, 20_000); // every client's commands hang, as with a Redis that stopped answering
  await expect(live).toHaveAttribute("data-status", "redis-down", { timeout: 15_000 });
  const health = await request.get("/api/health");
  expect(health.status()).toBe(503);
  expect(await health.json()).toMatchObject({ ok: false, redis: "down" });
  // The overview's numbers stop updating: they are marked out of date, not left looking live.
  await expect(fresh).toHaveAttribute("data-stale", "true", { timeout: 20_000 });
  // Redis trouble, not a sign-out: the session is still good, only unverifiable.
  await expect(fresh).toContainText(/Refresh failing \(redis unavailable|No answer for a while/);
  await expect(page.getByText("Signed out")).toHaveCount(0);
  await shoot("overview-redis-down");

  await expect(live).toHaveAttribute("data-status", "live", { timeout: 30_000 });
  await expect(fresh).toHaveAttribute("data-stale", "false", { timeout: 15_000 });
  expect((await request.get("/api/health")).status()).toBe(200);
});
