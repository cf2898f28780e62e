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
 * folder; as root they run as the `postgres` user. `stop()` stops that server (fast shutdown) and deletes its
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
  // The server binaries refuse root: as root they run as the `postgres` user (uid/gid on spawn, like `runuser -u
  // postgres`, but the server is our direct child, so a signal reaches it and nothing sits in between).
  const as = process.getuid?.() === 0 ? postgresIds() : null;
  const user = as ? "postgres" : (process.env.USER ?? "postgres");
  if (as) {
    chownSync(dir, as.uid, as.gid);
    chmodSync(dir, 0o700);
  }
  try {
    execFileSync(initdb, ["-D", data, "-U", user, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], { stdio: ["ignore", "ignore", "pipe"], ...as });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message)}`, { cause: err });
  }

  const port = await freePort();
  const proc: ChildProcess = spawn(postgres, ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
    "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=50"], { stdio: ["ignore", "ignore", "pipe"], ...as });
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

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
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
