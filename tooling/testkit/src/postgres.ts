import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { freePort } from "./free-port.ts";

/**
 * A private PostgreSQL for tests. With FANOUT_TEST_PG_URL, that server is used as given (nothing is created or
 * dropped there: tests own their tables by name). Otherwise Debian's server binaries (`pg_config --bindir`, not on
 * PATH) run `initdb` and `postgres` in a fresh temporary folder on a free loopback port, with the unix socket in that
 * folder; as root they run as the `postgres` user (they refuse root). `stop()` stops that server and deletes its
 * folder; it never touches a database it did not create.
 */
export interface PostgresServer { url: string; stop(): Promise<void> }

export async function startPostgres(opts: { env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<PostgresServer> {
  const given = (opts.env ?? process.env).FANOUT_TEST_PG_URL;
  if (given) return { url: given, stop: async () => undefined };

  const bindir = execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
  const initdb = join(bindir, "initdb");
  const postgres = join(bindir, "postgres");
  if (!existsSync(initdb) || !existsSync(postgres)) throw new Error(`no PostgreSQL server binaries in ${bindir} (install Debian's postgresql)`);

  const dir = mkdtempSync(join(tmpdir(), "fanout-pg-"));
  const data = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? "postgres" : (process.env.USER ?? "postgres");
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  // runuser is for root only; as anyone else the binaries run as that user directly.
  const run = (cmd: string, args: string[]) => (asRoot ? { cmd: "runuser", args: ["-u", "postgres", "--", cmd, ...args] } : { cmd, args });

  try {
    const i = run(initdb, ["-D", data, "-U", user, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);
    execFileSync(i.cmd, i.args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message)}`, { cause: err });
  }

  const port = await freePort();
  const p = run(postgres, ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
    "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=50"]);
  const proc: ChildProcess = spawn(p.cmd, p.args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr?.on("data", (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4_000); });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const url = `postgres://${user}@127.0.0.1:${port}/postgres`;

  const stop = async () => {
    // SIGINT: PostgreSQL's "fast" shutdown (SIGTERM would wait for clients to leave).
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGINT");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPostgres(url, opts.timeoutMs ?? 20_000);
  } catch (err) {
    await stop();
    throw new Error(`postgres did not start on ${port}: ${stderr}`, { cause: err });
  }
  return { url, stop };
}

async function waitForPostgres(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      return;
    } catch (err) {
      // A client whose connect failed holds no socket: nothing to end.
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
