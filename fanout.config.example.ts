import { defineConfig } from "@fanout/jobs/config";
import { defineNetwork, endpoint } from "@fanout/jobs/networks/define";
import { z } from "zod";

export default defineConfig({
  whaleThreshold: 100_000,                       // followers above which an account's pages go to the whales queue
  trickle: { maxAgeMs: 24 * 3_600_000, share: 0.5 }, // refresh accounts older than a day, on half of each limit at most
  schedules: [{ name: "nightly-vip", cron: "0 3 * * *", action: "sync", accounts: ["twitter:1234"] }],
  tuning: {
    twitter: { limits: [{ scope: "token", max: 15, windowMs: 900_000, endpoint: "followers" }], timeoutMs: 10_000 },
    linkedin: { window: 8, adaptive: { beta: 0.7, c: 0.4 } },
  },
  networks: [
    // A network Fanout does not know: say only what differs. Errors it leaves unclassified fall back on the status.
    defineNetwork({
      name: "bluesky", baseUrl: "https://public.api.bsky.app", paging: "cursor", pageSize: { default: 50, max: 100 },
      readsOthers: true, limits: [{ scope: "ip", max: 3000, windowMs: 300_000 }],
      page: endpoint({
        schema: z.object({ followers: z.array(z.object({ did: z.string() })), cursor: z.string().optional() }),
        request: (r) => ({ path: "/xrpc/app.bsky.graph.getFollowers", query: { actor: r.accountId, limit: r.pageSize, cursor: r.cursor ?? undefined } }),
        read: (b) => ({ ids: b.followers.map((f) => f.did), next: b.cursor ?? null, total: null }),
      }),
      classify: ({ status, body }, fail) =>
        status === 400 && JSON.stringify(body).includes("ExpiredToken") ? fail("auth_invalid", "token expired", { code: "ExpiredToken" }) : null,
    }),
  ],
});
