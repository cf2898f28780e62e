import { startSimnet } from "@fanout/testkit/simnet";
import { waitFor } from "@fanout/testkit/wait";
import { describe, expect, it } from "vitest";

describe("simnet as a process (npm run simnet)", () => {
  it("prints its URL once listening, honours SIMNET_SEED, and exits 0 promptly on SIGTERM despite a hanging socket", async () => {
    const sim = await startSimnet({ SIMNET_SEED: "42" });
    let exitCode: number | null = null;
    sim.proc.once("exit", (code) => (exitCode = code));
    try {
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const accounts = await sim.admin<{ id: string; token: string }[]>("GET", "/_simnet/accounts?network=twitter");
      expect(accounts.map((a) => a.id)).toEqual(["empty", "solo", "small", "medium", "large", "big", "whale"]);
      await sim.admin("PATCH", "/_simnet/config", { networks: { twitter: { hangRate: 1 } } });
      const token = accounts[0]?.token ?? "";
      const hanging = fetch(`${sim.url}/twitter/2/users/small/followers`, { headers: { authorization: `Bearer ${token}` } })
        .then(() => "answered", () => "closed");
      await waitFor(() => sim.admin<{ networks: { twitter: { hung: number } } }>("GET", "/_simnet/stats"), (s) => s.networks.twitter.hung === 1);
      const t0 = Date.now();
      sim.proc.kill("SIGTERM");
      await waitFor(() => exitCode, (c) => c !== null, { timeoutMs: 5_000 });
      expect(exitCode).toBe(0);
      expect(Date.now() - t0).toBeLessThan(2_500);
      expect(await hanging).toBe("closed");
    } finally {
      await sim.stop();
    }
  });
});
