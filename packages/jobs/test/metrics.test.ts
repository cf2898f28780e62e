import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@fanout/testkit/wait";
import { readSeries } from "../src/metrics.ts";
import { waitForTree } from "../src/ops.ts";
import { startSync } from "../src/sync.ts";
import { startHarness, type Harness } from "./harness.ts";

describe("metrics", () => {
  let h: Harness;
  let port: number | null = null;
  beforeAll(async () => {
    h = await startHarness();
    await h.simnet.admin("PATCH", "/_simnet/config", { timeScale: 0.001, networks: { mastodon: { latencyMs: { p50: 0, p99: 0 } } } });
    port = (await h.worker({ concurrency: 5, metricsPort: 0, sampleMs: 300 })).metricsPort;
    await h.connect("mastodon", "medium");
  });
  afterAll(() => h.stop());

  it("serves Prometheus text and samples depths and waits into Redis", async () => {
    const { treeId } = await startSync(h.engine, ["mastodon:medium"]);
    expect((await waitForTree(h.engine, treeId, { timeoutMs: 30_000 })).state).toBe("done");
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(/fanout_pages_total\{network="mastodon",outcome="stored"\} \d+/);
    expect(text).toMatch(/fanout_queue_jobs\{queue="default",state="wait"\} \d+/);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    const series = await waitFor(() => readSeries(h.engine, Date.now() - 60_000, Date.now()), (s) => s.depth.length >= 2 && s.wait.length >= 1, { timeoutMs: 10_000, what: "samples" });
    expect(series.depth.at(-1)?.queues.default).toHaveProperty("wait");
    expect(series.wait[0]?.queues.default?.n).toBeGreaterThan(0);
  });
});
