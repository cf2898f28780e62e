import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig, validateConfig } from "../src/config.ts";
import { ConfigError, loadEnv } from "../src/env.ts";
import { parsePayload, PayloadError } from "../src/payloads.ts";

const EXAMPLE = fileURLToPath(new URL("../../../fanout.config.example.ts", import.meta.url));

describe("configuration and bad input", () => {
  it("loads the README's example config, custom network included", async () => {
    const config = await loadConfig(EXAMPLE);
    expect(config.networks?.map((n) => n.name)).toEqual(["bluesky"]);
    expect(config.schedules?.[0]).toMatchObject({ name: "nightly-vip", cron: "0 3 * * *" });
  });

  it("refuses a bad config file naming the field, and a missing one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fanout-config-"));
    const bad = join(dir, "bad.mjs");
    writeFileSync(bad, "export default { tuning: { twitter: { window: 0 } } };\n");
    await expect(loadConfig(bad)).rejects.toThrow(/tuning\.twitter\.window/);
    await expect(loadConfig(join(dir, "nope.ts"))).rejects.toBeInstanceOf(ConfigError);
    expect(() => validateConfig({ surprise: 1 })).toThrow(ConfigError);
    expect(() => validateConfig({ schedules: [{ name: "x", action: "sync", every: 10 }] })).toThrow(/schedules\.0\.every/);
  });

  it("refuses a bad environment with the variable's name", () => {
    expect(() => loadEnv({ REDIS_URL: "not a url", FANOUT_SECRET: "x".repeat(32) })).toThrow(/REDIS_URL/);
    expect(() => loadEnv({ PORT: "99999", FANOUT_SECRET: "x".repeat(32) })).toThrow(/PORT/);
    expect(() => loadEnv({ FANOUT_PREFIX: "a:b", FANOUT_SECRET: "x".repeat(32) })).toThrow(/FANOUT_PREFIX/);
    expect(loadEnv({ FANOUT_SECRET: "x".repeat(32) }).secrets).toEqual(["x".repeat(32)]);
  });

  it("any payload that is not a valid page fails with a PayloadError naming the field, never a crash", () => {
    fc.assert(fc.property(fc.anything(), (junk) => {
      try {
        parsePayload("followers.page", junk);
        return false; // random junk is never a valid payload
      } catch (err) {
        return err instanceof PayloadError && /invalid followers\.page payload: /.test(err.message);
      }
    }), { numRuns: 500 });
    const good = { treeId: "t1", network: "twitter", accountId: "a", authAccount: "a", page: "p0", cursor: null, offset: 0, pageSize: 100, mode: "cursor" };
    expect(parsePayload("followers.page", good).window).toBe(1);
    fc.assert(fc.property(fc.constantFrom(...Object.keys(good)), fc.anything(), (field, value) => {
      const mutated = { ...good, [field]: value };
      try {
        parsePayload("followers.page", mutated);
        return true; // some mutations are still valid (e.g. another string id)
      } catch (err) {
        return err instanceof PayloadError && err.message.includes(field);
      }
    }), { numRuns: 500 });
    expect(() => parsePayload("followers.page", { ...good, token: "secret" })).toThrow(PayloadError); // no extra fields: never a token
  });
});
