import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, responsesDir, test } from "../support/fixtures.ts";
import { tokensFile } from "../support/simnet.ts";

const STATIC = fileURLToPath(new URL("../../apps/dashboard/.next/static/", import.meta.url));

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * Runs after every story (its own project, depending on them): no simnet token the run handed to Fanout — nor the
 * console's secret or admin password — appears in any console response the browsers received, in the console's
 * built assets, or in any line the console and the workers logged.
 */
test("no token or secret appears in a console response or a console/worker log line", async ({ stack, sim }) => {
  const listed = (await sim.accounts()).flatMap((a) => [a.token, a.refreshToken ?? ""]);
  const used = existsSync(tokensFile(stack)) ? readFileSync(tokensFile(stack), "utf8").split("\n") : [];
  const tokens = [...new Set([...listed, ...used])].filter((t) => t.length >= 16);
  expect(used.filter(Boolean).length, "the stories handed tokens to Fanout").toBeGreaterThan(10);
  const secrets = [...stack.secrets, ...tokens];

  const sources: { name: string; text: string }[] = [
    ...walk(responsesDir(stack)).map((f) => ({ name: `responses of test ${f}`, text: readFileSync(f, "utf8") })),
    ...walk(STATIC).map((f) => ({ name: f, text: readFileSync(f, "utf8") })),
    ...stack.logs.map((f) => ({ name: f, text: readFileSync(f, "utf8") })),
  ];
  const responses = sources.filter((s) => s.name.startsWith("responses")).map((s) => s.text).join("\n");
  const read = (responses.match(/^### \d{3} /gm) ?? []).length;
  expect(read, "console responses were recorded (pages, RSC payloads, API answers)").toBeGreaterThan(500);
  const logLines = sources.filter((s) => s.name.endsWith(".log")).reduce((n, s) => n + s.text.split("\n").length, 0);
  expect(logLines, "console and worker log lines").toBeGreaterThan(100);

  const leaks = sources.flatMap((s) => secrets.filter((t) => s.text.includes(t)).map((t) => `${s.name}: ${t.slice(0, 6)}…`));
  expect(leaks).toEqual([]);
});
