import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { buildEnv } from "../env.ts";

/**
 * `next build` only when the sources changed since the last build: a digest of everything Next compiles is kept in
 * `.next/fanout-build.json`. A 2-core machine pays ~30 s for a build, so the e2e run and `npm run dashboard` reuse one.
 */
const INPUTS = ["app", "components", "lib", "next.config.ts", "tsconfig.json", "package.json"];
const STAMP = ".next/fanout-build.json";

export function sourceDigest(appDir: string): string {
  const dir = resolve(appDir);
  const h = createHash("sha256");
  const next = createRequire(join(dir, "package.json"))("next/package.json") as { version: string };
  h.update(`next@${next.version}\n`);
  for (const file of INPUTS.flatMap((i) => walk(join(dir, i)))) {
    h.update(`${relative(dir, file)}\n`);
    h.update(readFileSync(file));
  }
  return h.digest("hex");
}

function walk(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((e) => walk(join(path, e)));
}

export function buildIsFresh(appDir: string): boolean {
  const dir = resolve(appDir);
  const stamp = join(dir, STAMP);
  if (!existsSync(stamp) || !existsSync(join(dir, ".next/BUILD_ID"))) return false;
  const { digest } = JSON.parse(readFileSync(stamp, "utf8")) as { digest?: string };
  return digest === sourceDigest(dir);
}

/** Builds when needed; resolves with whether it built. Output goes to our stdout/stderr (a build log, no secrets). */
export async function ensureBuild(appDir: string, opts: { force?: boolean; log?: (line: string) => void } = {}): Promise<boolean> {
  const dir = resolve(appDir);
  if (!opts.force && buildIsFresh(dir)) return false;
  const digest = sourceDigest(dir);
  opts.log?.("building the console (next build)…");
  const bin = createRequire(join(dir, "package.json")).resolve("next/dist/bin/next");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "build"], { cwd: dir, env: buildEnv(), stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`next build failed (${signal ?? `exit ${code}`})`))));
  });
  writeFileSync(join(dir, STAMP), `${JSON.stringify({ digest, at: new Date().toISOString() })}\n`);
  return true;
}
